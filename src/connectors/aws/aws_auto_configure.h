// Builds an `aws` connector from the local environment the way the AWS CLI finds credentials:
// environment variables, then the shared credentials/config files (AWS_PROFILE), including
// role_arn + source_profile profiles. Long-lived keys become `session-token` (upstream's rule).
#pragma once

#include "core/connector_type.h"

namespace latchkey::aws {

Result<Connector> AutoConfigureAws(Context& ctx, OptString const& auth_method,
                                   OptString const& resource_type, OptString const& resource_id);

// `login` for aws-generic / s3-bucket clients: writes a `latchkey-<id>` profile.
Result<std::string> WriteAwsProfile(Context& ctx, Connector const& client);

}  // namespace latchkey::aws
