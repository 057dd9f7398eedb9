// The CLI's cache of issued client credentials on disk, like aws-vault's session cache: the tools
// that run `latchkey credentials aws|kubernetes` and `docker-credential-latchkey get` run them
// again and again, and each run after the first is answered from here until the credentials
// near their expiry, without a call to a provider (or to the server).
//
// One file per entry in a 0700 directory ($LATCHKEY_HOME/credential-cache), each 0600, written
// atomically (temp file + rename) so concurrent processes never see half an entry, and each
// entry's whole content sealed with the active key of the key ring (AES-256-GCM; the associated
// data names the entry's file and the key's id): nothing is in plaintext on disk, an entry
// copied under another name does not open, and one sealed under a key that is no longer the
// active one is not served. One file per entry rather than one file for all: a process reads and
// writes only the entry it needs, concurrent writers of different entries never lose each
// other's work, and a damaged file costs one entry.
//
// The file name is a digest of the request (where it goes, and the connector, resource type and
// resource ID as named); the entry records what the request resolved to (connector ID and
// version, resource type and ID) and the caller checks that against the connector's current
// version before serving it (cli/cached_issue.h). A missing, expired, truncated, corrupt or
// wrongly keyed file is a miss, never an error: the caller issues afresh and the file is
// replaced.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/time_util.h"
#include "core/model.h"
#include "secrets/key_ring.h"

namespace latchkey::cli {

struct CredentialFileCacheOptions {
  std::string dir;  // e.g. $LATCHKEY_HOME/credential-cache
  // The server cache's rule (service/credential_cache.h, CredentialServeUntil): not served in the
  // last `refresh_margin` of the lifetime, capped at half of it.
  std::chrono::seconds refresh_margin{300};
  // Credentials without an expiry (a registry password, configured long-lived keys) are served
  // this long after they were issued: the connector's values may change on the provider's side
  // without a new connector version, so they are not kept for ever, and five minutes still
  // answers every call of a tool's burst. The same bound as the server cache's max_ttl.
  std::chrono::seconds max_ttl{300};
  std::function<TimePoint()> clock = &Now;
};

// One cached issue: what it was issued for, until when it is served, and the client connector.
struct CachedClient {
  std::string connector_id;
  int64_t connector_version = 0;
  std::string resource_type;
  std::string resource_id;  // as resolved before issuing (empty: the provider named it)
  TimePoint serve_until{};  // set by Store
  TimePoint checked_at{};   // when connector_version was last confirmed to be current
  Connector client;         // with its secrets
};

class CredentialFileCache {
 public:
  // The key ring to seal with; called for each operation until it succeeds (a ring that does
  // not exist yet is a miss, not an error).
  using RingFn = std::function<Result<KeyRing*>()>;

  CredentialFileCache(CredentialFileCacheOptions options, RingFn ring);

  // The entry for `request` while it may be served (now < serve_until), else nullopt; a file
  // that cannot be served (expired, corrupt, another key, another request) is removed.
  std::optional<CachedClient> Find(std::string const& request);
  // Seals and stores `entry` for `request`, its serve_until computed from the client's expiry
  // at the clock's now; entries that can no longer be served are swept out at the same time.
  // Credentials already inside their refresh margin are not stored.
  Result<void> Store(std::string const& request, CachedClient entry);
  // Rewrites an entry found by Find with a new checked_at (its serve_until unchanged).
  Result<void> Touch(std::string const& request, CachedClient entry, TimePoint checked_at);
  // Removes the entry for `request`, if any.
  void Drop(std::string const& request);
  // Removes every entry issued from `connector_id` (after an update or delete) and every file
  // that does not open; returns how many files were removed.
  size_t DropConnector(std::string const& connector_id);
  // Removes every entry (after a key rotation).
  size_t Clear();

  std::string const& dir() const { return options_.dir; }
  TimePoint Now() const { return options_.clock(); }
  // The file holding `request`'s entry.
  std::string PathOf(std::string const& request) const;

 private:
  Result<void> Write(std::string const& request, CachedClient const& entry);
  // Opens one file; nullopt when it does not open (any reason).
  std::optional<CachedClient> Open(std::string const& name, std::string* request_out);
  // Removes entries that do not open or can no longer be served; with `connector_id`, that
  // connector's too.
  size_t Sweep(std::optional<std::string> const& connector_id, bool everything);

  CredentialFileCacheOptions options_;
  RingFn ring_;
};

}  // namespace latchkey::cli
