#include "cli/credential_file_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "common/file_util.h"
#include "core/model_json.h"
#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "service/credential_cache.h"

namespace latchkey::cli {
namespace {

constexpr char kEntryFormat[] = "latchkey-credential-cache/1";
constexpr char kEntrySuffix[] = ".entry";
// An entry is one client connector: a kubeconfig with a CA is a few KiB. Anything far larger is
// not ours and is not read whole.
constexpr size_t kMaxEntryBytes = size_t{1} << 20;

std::string AssociatedData(std::string const& file_name, std::string const& key_id) {
  return std::string("latchkey/credential-cache/v1\n") + file_name + "\n" + key_id;
}

int64_t Epoch(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromEpoch(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

bool IsEntryName(std::string const& name) {
  std::string_view suffix = kEntrySuffix;
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void RemoveFile(std::string const& path) { ::unlink(path.c_str()); }

}  // namespace

CredentialFileCache::CredentialFileCache(CredentialFileCacheOptions options, RingFn ring)
    : options_(std::move(options)), ring_(std::move(ring)) {
  if (!options_.clock) options_.clock = &latchkey::Now;
}

std::string CredentialFileCache::PathOf(std::string const& request) const {
  std::string digest = crypto::HexEncode(crypto::Sha256("latchkey-credential-cache\n" + request));
  return options_.dir + "/" + digest.substr(0, 40) + kEntrySuffix;
}

std::optional<CachedClient> CredentialFileCache::Open(std::string const& name,
                                                      std::string* request_out) {
  std::string path = options_.dir + "/" + name;
  auto text = ReadUserFile(path, kMaxEntryBytes, "credential cache entry");
  if (!text) return std::nullopt;
  auto ring = ring_ ? ring_() : Result<KeyRing*>(Fail(ErrorCode::kInternal, "no key ring"));
  if (!ring) return std::nullopt;
  // Everything below reads what another process (or a damaged disk) wrote: any surprise is a
  // miss, and nothing in the file is trusted before it opened under the active key.
  try {
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != kEntryFormat) {
      return std::nullopt;
    }
    std::string key_id = doc.value("key_id", "");
    // Sealed under a key that is no longer the active one (rotated away, or another
    // LATCHKEY_SECRETS_KEY): not served, even when the ring still holds that key.
    if (key_id != (*ring)->active_id()) return std::nullopt;
    auto sealed = crypto::Base64Decode(doc.value("sealed", ""));
    if (!sealed) return std::nullopt;
    auto plain = crypto::AeadOpen((*ring)->active_key(), *sealed, AssociatedData(name, key_id));
    if (!plain) return std::nullopt;
    auto body = nlohmann::json::parse(*plain, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("client")) return std::nullopt;
    CachedClient entry;
    entry.connector_id = body.at("connector_id").get<std::string>();
    entry.connector_version = body.at("connector_version").get<int64_t>();
    entry.resource_type = body.at("resource_type").get<std::string>();
    entry.resource_id = body.at("resource_id").get<std::string>();
    entry.serve_until = FromEpoch(body.at("serve_until").get<int64_t>());
    entry.checked_at = FromEpoch(body.at("checked_at").get<int64_t>());
    auto client = ConnectorFromJson(body.at("client"));
    if (!client) return std::nullopt;
    entry.client = std::move(*client);
    if (request_out) *request_out = body.at("request").get<std::string>();
    return entry;
  } catch (std::exception const&) {
    return std::nullopt;
  }
}

std::optional<CachedClient> CredentialFileCache::Find(std::string const& request) {
  std::string path = PathOf(request);
  std::string name = std::filesystem::path(path).filename().string();
  if (::access(path.c_str(), F_OK) != 0) return std::nullopt;
  auto ring = ring_ ? ring_() : Result<KeyRing*>(Fail(ErrorCode::kInternal, "no key ring"));
  if (!ring) return std::nullopt;  // no key (yet): nothing can be served; the file may wait
  std::string stored_request;
  auto entry = Open(name, &stored_request);
  if (!entry || stored_request != request || options_.clock() >= entry->serve_until) {
    RemoveFile(path);
    return std::nullopt;
  }
  return entry;
}

Result<void> CredentialFileCache::Store(std::string const& request, CachedClient entry) {
  TimePoint now = options_.clock();
  entry.serve_until =
      CredentialServeUntil(entry.client.expires_at, now, options_.refresh_margin, options_.max_ttl);
  if (entry.serve_until <= now) return {};  // already inside the margin: nothing to save
  if (entry.checked_at == TimePoint{}) entry.checked_at = now;
  Sweep(std::nullopt, false);
  return Write(request, entry);
}

Result<void> CredentialFileCache::Touch(std::string const& request, CachedClient entry,
                                        TimePoint checked_at) {
  entry.checked_at = checked_at;
  return Write(request, entry);
}

Result<void> CredentialFileCache::Write(std::string const& request, CachedClient const& entry) {
  auto ring = ring_ ? ring_() : Result<KeyRing*>(Fail(ErrorCode::kInternal, "no key ring"));
  if (!ring) return tl::unexpected(ring.error());
  if (auto r = EnsureDirectory(options_.dir, 0700); !r) return r;
  // An existing directory keeps its mode through EnsureDirectory: tightened here.
  struct stat st {};
  if (::stat(options_.dir.c_str(), &st) == 0 && (st.st_mode & 07777) != 0700) {
    ::chmod(options_.dir.c_str(), 0700);
  }
  nlohmann::json body = {{"request", request},
                         {"connector_id", entry.connector_id},
                         {"connector_version", entry.connector_version},
                         {"resource_type", entry.resource_type},
                         {"resource_id", entry.resource_id},
                         {"serve_until", Epoch(entry.serve_until)},
                         {"checked_at", Epoch(entry.checked_at)},
                         {"client", ToJson(entry.client, true)}};
  std::string path = PathOf(request);
  std::string name = std::filesystem::path(path).filename().string();
  std::string const& key_id = (*ring)->active_id();
  auto sealed = crypto::AeadSeal((*ring)->active_key(), body.dump(), AssociatedData(name, key_id));
  if (!sealed) return tl::unexpected(sealed.error());
  nlohmann::json doc = {
      {"format", kEntryFormat}, {"key_id", key_id}, {"sealed", crypto::Base64Encode(*sealed)}};
  return WriteFileAtomic(path, doc.dump() + "\n", 0600);
}

void CredentialFileCache::Drop(std::string const& request) { RemoveFile(PathOf(request)); }

size_t CredentialFileCache::DropConnector(std::string const& connector_id) {
  return Sweep(connector_id, false);
}

size_t CredentialFileCache::Clear() { return Sweep(std::nullopt, true); }

size_t CredentialFileCache::Sweep(std::optional<std::string> const& connector_id, bool everything) {
  std::error_code ec;
  std::filesystem::directory_iterator it(options_.dir, ec);
  if (ec) return 0;
  // Without the ring no entry can be served, nor told apart by connector: dropping a connector
  // then drops them all; a mere sweep leaves them for when the ring is back.
  bool have_ring = ring_ && ring_().has_value();
  if (!have_ring && !connector_id && !everything) return 0;
  TimePoint now = options_.clock();
  size_t removed = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (!IsEntryName(name)) continue;
    bool drop = everything || !have_ring;
    if (!drop) {
      auto entry = Open(name, nullptr);
      drop = !entry || now >= entry->serve_until ||
             (connector_id && entry->connector_id == *connector_id);
    }
    if (drop && ::unlink(it->path().c_str()) == 0) ++removed;
  }
  return removed;
}

}  // namespace latchkey::cli
