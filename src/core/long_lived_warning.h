// Whether a connector hands its clients long-lived credentials, and what to say about it: the
// seeds' security best practices advise against it, so register, update and login warn. Read
// from the auth method's spec (LongLivedClients), never from a list of providers.
#pragma once

#include <optional>
#include <string>

#include "core/model.h"
#include "core/spec.h"

namespace latchkey {

// True when `c`'s auth method gives clients the configured long-lived credentials themselves.
bool HandsClientsLongLivedCredentials(AuthMethodSpec const& method, Connector const& c);

// One line naming the connector, its method and what to use instead, or nothing when its
// clients receive temporary credentials (or the type or method is unknown). The name is made
// inert by the caller's output, as every name is.
std::optional<std::string> LongLivedClientWarning(Connector const& c);

}  // namespace latchkey
