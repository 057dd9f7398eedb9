#include "service/credential_cache.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace latchkey {
namespace {

using std::chrono::seconds;

// The smallest key of a connector: every one of its entries sorts at or after it.
CredentialCacheKey FirstKeyOf(std::string const& connector_id,
                              int64_t version = std::numeric_limits<int64_t>::min()) {
  return CredentialCacheKey{connector_id, version, {}, {}, {}};
}

}  // namespace

TimePoint CredentialServeUntil(std::optional<TimePoint> const& expires_at, TimePoint now,
                               seconds refresh_margin, seconds max_ttl) {
  if (!expires_at) return now + max_ttl;
  seconds lifetime = std::max(*expires_at - now, seconds(0));
  return *expires_at - std::min(refresh_margin, lifetime / 2);
}

CredentialCache::CredentialCache(CredentialCacheOptions options)
    : options_([&] {
        options.max_entries = std::max<size_t>(options.max_entries, 1);
        if (!options.clock) options.clock = &Now;
        return std::move(options);
      }()) {}

Result<Connector> CredentialCache::GetOrIssue(CredentialCacheKey const& key, IssueFn const& issue) {
  std::unique_lock lock(mu_);
  TimePoint now = options_.clock();  // read under the lock: waiting for it must not age a hit
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    Entry& entry = it->second;
    Touch(entry);
    if (entry.value && now < entry.serve_until) {
      ++stats_.hits;
      entry.used_since_issue = true;
      return *entry.value;
    }
    ++stats_.misses;
    if (entry.flight) {
      Flight flight = *entry.flight;
      lock.unlock();
      return flight.get();
    }
  } else {
    ++stats_.misses;
    if (NewerVersionCached(key)) {
      // The caller read the connector before an update: answer it, but cache nothing for a
      // configuration that no longer exists.
      lock.unlock();
      Result<Connector> result = RunIssue(issue);
      std::lock_guard relock(mu_);
      Count(result, false);
      return result;
    }
    EraseOlderVersions(key);
    it = Insert(key);
  }

  Entry& entry = it->second;
  std::promise<Result<Connector>> promise;
  entry.flight = promise.get_future().share();
  entry.flight_id = next_flight_id_++;
  entry.issue = issue;
  uint64_t flight_id = entry.flight_id;
  lock.unlock();

  Result<Connector> result = RunIssue(issue);
  // Stored before the waiters are released, so a caller arriving after this point finds the
  // entry (or its absence) rather than a finished flight: errors reach only those who waited.
  Store(key, flight_id, result, false);
  promise.set_value(result);
  return result;
}

void CredentialCache::InvalidateConnector(std::string const& connector_id) {
  std::lock_guard lock(mu_);
  auto it = entries_.lower_bound(FirstKeyOf(connector_id));
  while (it != entries_.end() && it->first.connector_id == connector_id) Erase(it++);
}

size_t CredentialCache::RefreshExpiring() {
  struct Job {
    CredentialCacheKey key;
    uint64_t flight_id;
    IssueFn issue;
    std::promise<Result<Connector>> promise;
  };
  std::vector<Job> jobs;
  TimePoint now = options_.clock();
  {
    std::lock_guard lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      Entry& entry = it->second;
      auto current = it++;
      if (entry.flight) continue;
      bool servable = entry.value && now < entry.serve_until;
      bool wanted = entry.value && entry.used_since_issue && now < entry.valid_until;
      if (!servable && !wanted) {
        Erase(current);  // secrets nobody can be served any more leave memory now
        continue;
      }
      if (!wanted || now < entry.refresh_from || !entry.issue) continue;
      Job& job = jobs.emplace_back(Job{current->first, next_flight_id_++, entry.issue, {}});
      entry.flight = job.promise.get_future().share();
      entry.flight_id = job.flight_id;
    }
  }
  size_t refreshed = 0;
  for (Job& job : jobs) {
    Result<Connector> result = RunIssue(job.issue);
    Store(job.key, job.flight_id, result, true);
    job.promise.set_value(result);
    if (result) ++refreshed;
  }
  return refreshed;
}

CredentialCacheStats CredentialCache::Stats() const {
  std::lock_guard lock(mu_);
  CredentialCacheStats stats = stats_;
  stats.entries = entries_.size();
  return stats;
}

CacheUsage CredentialCache::Usage() const {
  std::lock_guard lock(mu_);
  return CacheUsage{entries_.size(), stats_.bytes, options_.max_entries, options_.max_bytes};
}

Result<Connector> CredentialCache::RunIssue(IssueFn const& issue) {
  // An exception must not escape between a flight's start and its end, or its waiters would
  // wait forever. Its text is not kept: it might quote a secret.
  try {
    return issue();
  } catch (...) {
    return Fail(ErrorCode::kInternal, "issuing credentials failed unexpectedly");
  }
}

void CredentialCache::Store(CredentialCacheKey const& key, uint64_t flight_id,
                            Result<Connector> const& result, bool refresh) {
  TimePoint now = options_.clock();
  std::lock_guard lock(mu_);
  Count(result, refresh);
  auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.flight || it->second.flight_id != flight_id) return;
  Entry& entry = it->second;
  entry.flight.reset();
  if (result) {
    size_t bytes = ApproxBytes(*result) + sizeof(Entry) + key.connector_id.size() +
                   key.resource_type.size() + key.resource_id.size() + key.policy.size();
    if (bytes > options_.max_bytes) {
      Erase(it);  // larger than the whole bound: answered, not kept
      return;
    }
    stats_.bytes = stats_.bytes - entry.bytes + bytes;
    entry.bytes = bytes;
    entry.value = *result;
    entry.used_since_issue = false;
    SetLifetime(entry, *result, now);
    EvictOverBounds(&entry);
  }
  // A failed refresh leaves credentials that still answer in place; anything else goes.
  if (!entry.value || now >= entry.serve_until) Erase(it);
}

void CredentialCache::Count(Result<Connector> const& result, bool refresh) {
  if (!result) {
    ++stats_.errors;
    return;
  }
  ++stats_.issued;
  if (refresh) ++stats_.refreshed;
}

bool CredentialCache::NewerVersionCached(CredentialCacheKey const& key) const {
  if (key.connector_version == std::numeric_limits<int64_t>::max()) return false;
  auto it = entries_.lower_bound(FirstKeyOf(key.connector_id, key.connector_version + 1));
  return it != entries_.end() && it->first.connector_id == key.connector_id;
}

void CredentialCache::EraseOlderVersions(CredentialCacheKey const& key) {
  auto it = entries_.lower_bound(FirstKeyOf(key.connector_id));
  while (it != entries_.end() && it->first.connector_id == key.connector_id &&
         it->first.connector_version < key.connector_version) {
    Erase(it++);
  }
}

CredentialCache::Entries::iterator CredentialCache::Insert(CredentialCacheKey const& key) {
  auto it = entries_.try_emplace(key).first;
  lru_.push_front(&it->first);
  it->second.lru = lru_.begin();
  EvictOverBounds(&it->second);
  return it;
}

void CredentialCache::EvictOverBounds(Entry const* keep) {
  while (entries_.size() > options_.max_entries || stats_.bytes > options_.max_bytes) {
    auto victim = entries_.find(*lru_.back());
    if (&victim->second == keep) {
      if (lru_.size() == 1) return;
      victim = entries_.find(**std::prev(lru_.end(), 2));
    }
    Erase(victim);
    ++stats_.evictions;
  }
}

void CredentialCache::Erase(Entries::iterator it) {
  stats_.bytes -= it->second.bytes;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

void CredentialCache::Touch(Entry& entry) { lru_.splice(lru_.begin(), lru_, entry.lru); }

void CredentialCache::SetLifetime(Entry& entry, Connector const& value, TimePoint now) const {
  entry.serve_until =
      CredentialServeUntil(value.expires_at, now, options_.refresh_margin, options_.max_ttl);
  entry.valid_until = value.expires_at.value_or(entry.serve_until);
  seconds served = std::max(entry.serve_until - now, seconds(0));
  entry.refresh_from = entry.serve_until - std::min(options_.refresh_ahead, served / 2);
}

}  // namespace latchkey
