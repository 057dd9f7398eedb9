// The bearer token EKS accepts: "k8s-aws-v1." + base64url(a presigned STS GetCallerIdentity URL
// that signs the x-k8s-aws-id header with the cluster name), as `aws eks get-token` makes it.
#pragma once

#include <string>

#include "connectors/aws/aws_call.h"

namespace latchkey::aws {

struct EksToken {
  std::string token;
  TimePoint expires_at;  // EKS honours a token for 15 minutes after it was signed
};

Result<EksToken> MakeEksToken(AwsEndpoint const& endpoint, AwsCredentials const& creds,
                              std::string const& cluster_name, TimePoint now);

}  // namespace latchkey::aws
