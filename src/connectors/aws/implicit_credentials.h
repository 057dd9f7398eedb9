// The `implicit` method's credential chain, in the AWS SDKs' order: environment variables, the
// shared files (profile_name or AWS_PROFILE), the container credentials endpoint (ECS/EKS pod
// identity), then the EC2 instance metadata service (IMDSv2 only).
#pragma once

#include <optional>
#include <string>

#include "connectors/aws/aws_credentials.h"
#include "core/context.h"

namespace latchkey::aws {

Result<AwsCredentials> ImplicitCredentials(Context& ctx,
                                           std::optional<std::string> const& profile_name);

}  // namespace latchkey::aws
