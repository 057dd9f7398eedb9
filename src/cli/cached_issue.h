// Client credentials through the CLI's file cache (cli/credential_file_cache.h): what `latchkey
// credentials aws|kubernetes` and `docker-credential-latchkey get` issue, since the tools call
// them again and again.
//
// How an entry is known to be current without a provider call:
// - Embedded store: the connector named is read from SQLite (one indexed read of its row, no
//   secrets opened, no provider call) and the entry is served only when it was issued from that
//   same connector ID and version, for the same resolved resource type and ID. Any update bumps
//   the version; a deleted connector is not found, so its entries can never be served.
// - Server (after `latchkey login`, or LATCHKEY_URL): an entry confirmed within the last
//   `remote_recheck` (60 s) is served without any network call; after that one cheap metadata
//   read of the connector (GET, no provider call, no secrets) confirms its ID and version before
//   the entry is served again, and the confirmation restarts the period. The trade-off: an
//   update made elsewhere (another machine or user) is seen up to 60 s late by this machine;
//   what it serves meanwhile are credentials the server issued to this same API token, which
//   stay valid at the provider until they expire whatever the cache does, so serving them
//   grants nothing new. Updates and deletes made by this CLI drop the entries at once. Entries
//   are scoped to the server URL and a digest of the API token, so another login (another user)
//   never meets them.
// LATCHKEY_NO_CACHE=1 (or --no-cache, which sets it for one command) neither reads nor writes the
// cache: for a tool that must see a fresh issue, or when debugging the issue itself.
#pragma once

#include <chrono>
#include <string>

#include "cli/client_target.h"
#include "cli/credential_file_cache.h"
#include "service/backend.h"

namespace latchkey::cli {

// Whether LATCHKEY_NO_CACHE asks for no cache ("1", "true", "yes").
bool CredentialCacheDisabled(Environment const& env);
// $LATCHKEY_HOME/credential-cache
std::string CredentialCacheDir(Environment const& env);
// Adds --no-cache to `command`; ApplyNoCacheOption sets LATCHKEY_NO_CACHE for it when given.
void AddNoCacheOption(CLI::App& command, bool& no_cache);
void ApplyNoCacheOption(CliState& state, bool no_cache);

// Where issues go and how entries are confirmed (see above).
struct CachedIssueSource {
  Backend& backend;
  std::string scope;  // "local", or "remote" + the server URL + the token digest
  bool remote = false;
  std::chrono::seconds remote_recheck{60};
};

// The cached client for `target` while it may be served, else one issued by the backend (and
// cached). Cache failures are never errors: the backend's answer is returned either way.
Result<Connector> IssueThroughCache(CachedIssueSource const& source, CredentialFileCache& cache,
                                    ClientTarget const& target);

// IssueClient (client_target.h) through the cache of `state`'s backend, unless disabled.
Result<Connector> IssueClientCached(CliState& state, ClientTarget const& target);
// After an update or delete in this process: drops the connector's entries.
void DropCachedCredentials(CliState& state, std::string const& connector_id);
// After a key rotation: drops every entry.
void ClearCachedCredentials(CliState& state);

}  // namespace latchkey::cli
