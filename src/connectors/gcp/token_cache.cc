#include "connectors/gcp/token_cache.h"

namespace latchkey::gcp {
namespace {

constexpr size_t kMaxEntries = 4096;  // bound memory; the oldest-expiring go first

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
  entries_.erase(it);
  return std::nullopt;
}

void TokenCache::Put(std::string const& key, AccessToken const& token, TimePoint now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.token.expires_at < oldest->second.token.expires_at) oldest = it;
    }
    entries_.erase(oldest);
  }
  entries_[key] = Entry{token, now};
}

}  // namespace latchkey::gcp
