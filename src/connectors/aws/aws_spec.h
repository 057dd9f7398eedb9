// The catalogue entry of the `aws` connector type: six auth methods, four resource types.
#pragma once

#include <string>

#include "core/spec.h"

namespace latchkey::aws {

inline constexpr char kConnectorType[] = "aws";
inline constexpr char kGenericResource[] = "aws-generic";
inline constexpr char kS3Resource[] = "s3-bucket";
inline constexpr char kEksResource[] = "kubernetes-cluster";
inline constexpr char kEcrResource[] = "docker-registry";

inline constexpr char kImplicit[] = "implicit";
inline constexpr char kSecretKey[] = "secret-key";
inline constexpr char kStsToken[] = "sts-token";
inline constexpr char kIamRole[] = "iam-role";
inline constexpr char kSessionToken[] = "session-token";
inline constexpr char kFederationToken[] = "federation-token";

// The configuration field that overrides one service's endpoint: "s3" -> "s3_endpoint_url".
inline std::string ServiceEndpointField(std::string const& service) {
  return service + "_endpoint_url";
}

ConnectorTypeSpec const& AwsSpec();

}  // namespace latchkey::aws
