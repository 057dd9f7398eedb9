// Application Default Credentials, found the way Google's libraries find them: the file named by
// GOOGLE_APPLICATION_CREDENTIALS, then gcloud's ADC file ($CLOUDSDK_CONFIG or
// ~/.config/gcloud/application_default_credentials.json), then the GCE metadata server
// (GCE_METADATA_HOST, else 169.254.169.254 after a one-second probe).
#pragma once

#include <optional>
#include <string>

#include "connectors/gcp/gcp_endpoints.h"
#include "connectors/gcp/google_api.h"

namespace latchkey::gcp {

struct AdcSource {
  std::optional<std::string> file_path;  // a credential file, whose JSON is `file_content`
  std::string file_content;
  std::optional<std::string> metadata_host;  // else the metadata server at this host[:port]
};

Result<AdcSource> FindApplicationDefaultCredentials(Context& ctx);

// The project the environment names: GOOGLE_CLOUD_PROJECT / CLOUDSDK_CORE_PROJECT, the active
// gcloud configuration's [core] project, or `fallback` (a key file's project_id).
std::optional<std::string> EnvironmentProject(Context const& ctx,
                                              std::optional<std::string> fallback);

// A token from any credential file type a library accepts: service_account, authorized_user,
// external_account, impersonated_service_account.
Result<AccessToken> TokenFromCredentialFile(Context& ctx, std::string const& content,
                                            GcpEndpoints const& endpoints,
                                            std::string const& scope);

}  // namespace latchkey::gcp
