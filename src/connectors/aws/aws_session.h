// Turns an `aws` connector's configuration into credentials: the configured keys, or temporary
// credentials minted by STS for its auth method (scoped down to one resource where the method
// allows), plus the endpoint its calls go to.
#pragma once

#include <optional>
#include <string>

#include "connectors/aws/aws_call.h"
#include "core/model.h"

namespace latchkey::aws {

AwsEndpoint EndpointOf(Connector const& c);

// The long-lived (or configured temporary) credentials of the connector. `implicit` follows the
// SDKs' chain (implicit_credentials.h) and is refused unless implicit auth methods are enabled.
Result<AwsCredentials> ConfiguredCredentials(Context& ctx, Connector const& c);

// Credentials a client receives for `resource_type` / `resource_id`: temporary and down-scoped
// for iam-role and federation-token (explicit policy first, else one generated for the
// resource), temporary for session-token, the configured ones for secret-key and sts-token.
Result<AwsCredentials> ClientCredentials(Context& ctx, Connector const& c,
                                         std::string const& resource_type,
                                         std::optional<std::string> const& resource_id);

}  // namespace latchkey::aws
