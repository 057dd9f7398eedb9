// Who may do what with a connector or secret. Owners and admins may do everything; other users
// see only what is shared with them, and a connector that is not visible to a caller is reported
// as not found (never "forbidden"), so its existence does not leak.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "core/model.h"

namespace latchkey {

// Ownership is recorded by user name: names are unique, never reused while the user owns
// anything (deleting such a user is refused), and readable in `list` output.
struct Principal {
  std::string name;  // the owner recorded on what this principal creates
  bool admin = false;
  std::string user_id;  // the user's ID on a server; empty in the embedded mode
};

enum class Access {
  kRead,         // metadata (names, configuration, secret keys but not values)
  kReadSecrets,  // secret values (--show-secrets)
  kUse,          // client credentials, verification, resource listing
  kUpdate,
  kDelete,
};

// `what` ("service connector", "secret") and `name_or_id` shape the not-found message, which is
// the store's own wording so the two are indistinguishable.
// `read_only`: shared for reading, not for use.
Result<void> Authorize(Principal const& who, std::string const& owner, bool shared, Access access,
                       char const* what, std::string const& name_or_id, bool read_only = false);

inline Result<void> Authorize(Principal const& who, Connector const& c, Access access,
                              std::string const& name_or_id) {
  return Authorize(who, c.owner, c.shared, access, "service connector", name_or_id,
                   c.shared_read_only);
}

// Sets a connector's sharing from a request: `shared` true shares it for read and use (unless
// `read_only` says otherwise), `read_only` true shares it for read only, `shared` false makes it
// private. Absent values keep the connector's setting; `shared` false with `read_only` true is a
// contradiction (kInvalidArgument).
// `share_secrets` true also shares for use (and hands out long-lived secrets, see
// Connector::share_secrets); making a connector private or read-only clears it.
Result<void> ApplySharing(Connector& c, std::optional<bool> shared, std::optional<bool> read_only,
                          std::optional<bool> share_secrets = std::nullopt);

// The client connector `client`, issued from `stored`, hands out the owner's long-lived
// credentials: it has no expiry, or it is the stored connector's own type and method (so its
// secrets are the stored ones).
bool HandsOutLongLivedSecrets(Connector const& stored, Connector const& client);
// Refuses such a client to anyone but the owner or an admin, unless the owner shared the
// connector with `--share-secrets`.
Result<void> AuthorizeClient(Principal const& who, Connector const& stored,
                             Connector const& client);

}  // namespace latchkey
