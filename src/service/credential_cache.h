// Server-side cache of issued client credentials (client connectors with short-lived secrets),
// so a burst of requests for one resource costs one call to the provider, not one each.
//
// Entries live in memory only and are never logged. The key carries the connector's version, so
// an update can never be answered with credentials issued from the old configuration.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/cache_usage.h"
#include "common/error.h"
#include "common/time_util.h"
#include "core/model.h"

namespace latchkey {

struct CredentialCacheKey {
  std::string connector_id;
  int64_t connector_version = 0;
  std::string resource_type;
  std::string resource_id;
  std::string policy;  // empty: none

  // Ordered by connector first, so one connector's entries are adjacent.
  auto operator<=>(CredentialCacheKey const&) const = default;
};

struct CredentialCacheOptions {
  // Credentials are not served in the last `refresh_margin` of their lifetime (capped at half the
  // lifetime, so a 15-minute token is still served for 7.5 minutes or more).
  std::chrono::seconds refresh_margin{300};
  // How long credentials without an expires_at are served.
  std::chrono::seconds max_ttl{300};
  // RefreshExpiring starts this long before an entry would stop being served (capped at half the
  // time it is served), so a periodic caller replaces hot credentials while they still answer.
  std::chrono::seconds refresh_ahead{60};
  size_t max_entries = 1024;  // least recently used entries go first; at least 1
  // Bound on the entries' approximate bytes (ApproxBytes of the credentials and the key); least
  // recently used entries go first, and credentials larger than this alone are not cached.
  size_t max_bytes = size_t{16} << 20;
  std::function<TimePoint()> clock = &Now;
};

// When credentials issued at `now` stop being served: `refresh_margin` before `expires_at`, the
// margin capped at half the remaining lifetime; `max_ttl` after `now` without an expiry. The one
// rule for this cache and the CLI's file cache (cli/credential_file_cache.h).
TimePoint CredentialServeUntil(std::optional<TimePoint> const& expires_at, TimePoint now,
                               std::chrono::seconds refresh_margin, std::chrono::seconds max_ttl);

// Counters since construction, for export as metrics.
struct CredentialCacheStats {
  uint64_t hits = 0;       // served from the cache
  uint64_t misses = 0;     // not served from the cache: issued, or waited for an issue in flight
  uint64_t issued = 0;     // issue() calls that succeeded, refreshes included
  uint64_t refreshed = 0;  // of those, made by RefreshExpiring
  uint64_t errors = 0;     // issue() calls that failed
  uint64_t evictions = 0;  // entries dropped for the entry or byte bound
  size_t entries = 0;      // current size
  size_t bytes = 0;        // approximate bytes of the cached credentials and their keys
};

class CredentialCache {
 public:
  // Issues credentials for one key. The cache keeps the latest one per entry for RefreshExpiring,
  // which may call it later from another thread: it must own (copy) what it captures.
  using IssueFn = std::function<Result<Connector>()>;

  explicit CredentialCache(CredentialCacheOptions options = {});
  CredentialCache(CredentialCache const&) = delete;
  CredentialCache& operator=(CredentialCache const&) = delete;

  // Cached credentials while they are fresh; otherwise one issue() call per key however many
  // callers arrive meanwhile, all of whom get its result or its error. Errors are not cached.
  // A request naming an older version than one already cached is issued but not cached.
  Result<Connector> GetOrIssue(CredentialCacheKey const& key, IssueFn const& issue);

  // Drops every entry of the connector (after an update or delete). Issues in flight still answer
  // their callers but are not cached.
  void InvalidateConnector(std::string const& connector_id);

  // Re-issues, in the calling thread, entries that are within their refresh window and were used
  // since they were last issued; drops entries that can no longer be served. Returns how many
  // were refreshed successfully.
  size_t RefreshExpiring();

  CredentialCacheStats Stats() const;
  CacheUsage Usage() const;

 private:
  using Flight = std::shared_future<Result<Connector>>;

  struct Entry {
    std::optional<Connector> value;
    TimePoint serve_until{};   // hits while now < serve_until
    TimePoint refresh_from{};  // RefreshExpiring considers it from here on
    TimePoint valid_until{};   // past this, refreshing it no longer helps anyone waiting
    bool used_since_issue = false;
    std::optional<Flight> flight;  // an issue in flight
    uint64_t flight_id = 0;        // which flight may store its result here
    IssueFn issue;
    std::list<CredentialCacheKey const*>::iterator lru;
    size_t bytes = 0;  // counted in stats_.bytes while `value` is held
  };
  using Entries = std::map<CredentialCacheKey, Entry>;

  static Result<Connector> RunIssue(IssueFn const& issue);
  // Lands a flight's result in its entry, unless the entry was dropped or replaced meanwhile.
  void Store(CredentialCacheKey const& key, uint64_t flight_id, Result<Connector> const& result,
             bool refresh);
  void Count(Result<Connector> const& result, bool refresh);
  bool NewerVersionCached(CredentialCacheKey const& key) const;
  void EraseOlderVersions(CredentialCacheKey const& key);
  Entries::iterator Insert(CredentialCacheKey const& key);
  void Erase(Entries::iterator it);
  // Evicts least recently used entries (never `keep`) while a bound is exceeded.
  void EvictOverBounds(Entry const* keep);
  void Touch(Entry& entry);
  void SetLifetime(Entry& entry, Connector const& value, TimePoint now) const;

  CredentialCacheOptions const options_;
  mutable std::mutex mu_;
  Entries entries_;
  std::list<CredentialCacheKey const*> lru_;  // front: most recently used
  uint64_t next_flight_id_ = 1;
  CredentialCacheStats stats_;
};

}  // namespace latchkey
