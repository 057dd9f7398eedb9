// Where the CLI sends its commands: the embedded store, or a server after `latchkey login URL`.
// The session (server URL and API token) lives in $LATCHKEY_HOME/remote.json, mode 0600, with
// the token sealed by the local key ring like every other secret at rest. LATCHKEY_URL plus
// LATCHKEY_API_TOKEN (a service account's API key, for automation) take precedence.
#pragma once

#include <optional>
#include <string>

#include "client/remote_backend.h"
#include "core/context.h"
#include "secrets/key_ring.h"

namespace latchkey {

struct RemoteSession {
  std::string url;
  std::string token;
  std::string user;
  std::optional<std::string> ca_file;  // trust this CA for the server's certificate
  bool insecure = false;               // skip certificate checks (explicit opt-in at login)
};

// The active session, if any (environment first, then the session file).
Result<std::optional<RemoteSession>> LoadRemoteSession(Environment const& env);
Result<void> SaveRemoteSession(Environment const& env, RemoteSession const& session);
// True when a session file was removed.
Result<bool> ClearRemoteSession(Environment const& env);

// The key ring that seals what the CLI keeps at rest beside a server session (the session's
// token, the credential cache): LATCHKEY_SECRETS_KEY, else $LATCHKEY_HOME/secrets.key, created
// on first use.
Result<KeyRing> LoadLocalKeyRing(Environment const& env);

// Options for a RemoteBackend talking to the session's server.
Result<RemoteOptions> RemoteOptionsFor(Environment const& env, RemoteSession const& session);

}  // namespace latchkey
