// The S3, EKS and ECR calls the connector needs to verify access and build client connectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/aws/aws_call.h"

namespace latchkey::aws {

// S3 (REST, XML). Custom endpoints use path-style addressing, AWS itself virtual-host style.
Result<std::vector<std::string>> ListBuckets(Context& ctx, AwsEndpoint const& endpoint,
                                             AwsCredentials const& creds);
Result<void> HeadBucket(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                        std::string const& bucket);
struct S3Object {
  std::string key;
  uint64_t size = 0;
};
// ListObjectsV2, every page, in S3's (lexicographic) order.
Result<std::vector<S3Object>> ListObjects(Context& ctx, AwsEndpoint const& endpoint,
                                          AwsCredentials const& creds, std::string const& bucket,
                                          std::string const& prefix);

// EKS (REST, JSON).
struct EksCluster {
  std::string name;
  std::string arn;
  std::string endpoint;        // https://...
  std::string ca_data_base64;  // certificateAuthority.data
};
Result<std::vector<std::string>> ListEksClusters(Context& ctx, AwsEndpoint const& endpoint,
                                                 AwsCredentials const& creds);
Result<EksCluster> DescribeEksCluster(Context& ctx, AwsEndpoint const& endpoint,
                                      AwsCredentials const& creds, std::string const& name);

// ECR (JSON 1.1 with X-Amz-Target).
Result<std::vector<std::string>> DescribeEcrRepositories(Context& ctx, AwsEndpoint const& endpoint,
                                                         AwsCredentials const& creds);
struct EcrAuthorization {
  std::string username;
  std::string password;
  std::string proxy_endpoint;
  std::optional<TimePoint> expires_at;
};
Result<EcrAuthorization> GetEcrAuthorizationToken(Context& ctx, AwsEndpoint const& endpoint,
                                                  AwsCredentials const& creds,
                                                  std::string const& account);

}  // namespace latchkey::aws
