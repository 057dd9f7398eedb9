// `--auto-configure` for gcp: the Application Default Credentials of this machine
// (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, the metadata server) become a connector of
// the matching method, with the project from the environment or gcloud's configuration.
#pragma once

#include "core/connector_type.h"

namespace latchkey::gcp {

Result<Connector> AutoConfigureGcp(Context& ctx, OptString const& auth_method,
                                   OptString const& resource_type, OptString const& resource_id);

}  // namespace latchkey::gcp
