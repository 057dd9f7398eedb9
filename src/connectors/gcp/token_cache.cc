#include "connectors/gcp/token_cache.h"

namespace latchkey::gcp {
namespace {

// Bounded by entries and bytes; when full, the token closest to expiry goes first.
constexpr size_t kMaxEntries = 4096;
constexpr size_t kMaxGcpTokenBytes = size_t{8} << 20;

size_t GcpTokenCost(std::string const& key, AccessToken const& t) {
  return key.size() + t.token.size() + t.principal.size() + sizeof(AccessToken) + 64;
}

}  // namespace

TokenCache& TokenCache::Process() {
  static auto* cache = new TokenCache();
  return *cache;
}

std::optional<AccessToken> TokenCache::Get(std::string const& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  auto const& e = it->second;
  if (!e.token.expires_at) return e.token;
  auto life = *e.token.expires_at - e.issued;
  auto margin = std::min<std::chrono::system_clock::duration>(std::chrono::minutes(5), life / 4);
  if (*e.token.expires_at - now > margin) return e.token;
  bytes_ -= GcpTokenCost(it->first, it->second.token);
  entries_.erase(it);
  return std::nullopt;
}

void TokenCache::Put(std::string const& key, AccessToken const& token, TimePoint now) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    bytes_ -= GcpTokenCost(it->first, it->second.token);
    entries_.erase(it);
  }
  size_t cost = GcpTokenCost(key, token);
  while (!entries_.empty() &&
         (entries_.size() >= kMaxEntries || bytes_ + cost > kMaxGcpTokenBytes)) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.token.expires_at < oldest->second.token.expires_at) oldest = it;
    }
    bytes_ -= GcpTokenCost(oldest->first, oldest->second.token);
    entries_.erase(oldest);
  }
  entries_.emplace(key, Entry{token, now});
  bytes_ += cost;
}

CacheUsage TokenCache::Usage() {
  std::lock_guard lock(mutex_);
  return {entries_.size(), bytes_, kMaxEntries, kMaxGcpTokenBytes};
}

}  // namespace latchkey::gcp
