#include "connectors/aws/eks_token.h"

#include "connectors/aws/sigv4.h"
#include "crypto/encoding.h"

namespace latchkey::aws {

Result<EksToken> MakeEksToken(AwsEndpoint const& endpoint, AwsCredentials const& creds,
                              std::string const& cluster_name, TimePoint now) {
  std::string url = endpoint.BaseUrl("sts") + "/?Action=GetCallerIdentity&Version=2011-06-15";
  auto presigned = PresignUrl("GET", url, creds, endpoint.region, "sts", now,
                              std::chrono::seconds(60), {{"x-k8s-aws-id", cluster_name}});
  if (!presigned) return tl::unexpected(presigned.error());
  return EksToken{"k8s-aws-v1." + crypto::Base64UrlEncode(*presigned),
                  now + std::chrono::minutes(15)};
}

}  // namespace latchkey::aws
