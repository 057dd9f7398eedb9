// `login` for gcp client connectors: what gcloud and Google's client libraries read. An access
// token goes to a Latchkey-owned file (<gcloud config dir>/latchkey/access_token, 0600) that
// gcloud's active configuration names as auth/access_token_file; a key handed out whole
// (generate_temporary_tokens=false) goes to .../latchkey/credentials.json, named as
// auth/credential_file_override and copied to gcloud's ADC file for client libraries. The
// configuration's core/project is set either way. Other properties are kept (comments are not).
#pragma once

#include <string>

#include "core/context.h"
#include "core/model.h"

namespace latchkey::gcp {

Result<std::string> ConfigureGcloud(Context& ctx, Connector const& client);

// gcloud's configuration directory: $CLOUDSDK_CONFIG or ~/.config/gcloud.
std::string GcloudConfigDir(Environment const& env);

}  // namespace latchkey::gcp
