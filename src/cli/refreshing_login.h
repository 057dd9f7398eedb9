// `service-connector login` in its refreshing form: instead of writing issued credentials into
// a tool's configuration, write the hook through which the tool asks Latchkey for fresh ones
// whenever it needs them — an AWS profile whose credential_process runs `latchkey credentials
// aws`, a kubeconfig user whose exec plugin runs `latchkey credentials kubernetes`, or a
// docker config.json credHelpers entry for docker-credential-latchkey.
#pragma once

#include <string>

#include "cli/app.h"
#include "core/model.h"

namespace latchkey::cli {

enum class LoginMode {
  kAuto,     // refreshing when the issued credentials expire, static when they never do
  kRefresh,  // always refreshing
  kStatic,   // always the credentials themselves (upstream's behaviour)
};

bool UsesRefresh(LoginMode mode, Connector const& client);

// Writes the refreshing configuration for `client` (as issued by IssueClient for the login)
// and returns a one-line description of what was written.
Result<std::string> ConfigureRefreshingClient(CliState& state, Connector const& client);

// After a static login of a docker registry: a credHelpers entry that a refreshing login made
// for it would shadow the login just written, so it goes. Returns a note for the message.
Result<std::string> ForgetRefreshingDockerLogin(CliState& state, Connector const& client);

}  // namespace latchkey::cli
