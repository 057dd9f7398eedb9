// AWS STS (query API, XML answers): who am I, and the three ways to mint temporary credentials.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/aws/aws_call.h"

namespace latchkey::aws {

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

struct SessionPolicy {
  std::optional<std::string> policy;     // inline JSON document
  std::vector<std::string> policy_arns;  // managed policies
};

Result<CallerIdentity> GetCallerIdentity(Context& ctx, AwsEndpoint const& endpoint,
                                         AwsCredentials const& creds);
Result<AwsCredentials> GetSessionToken(Context& ctx, AwsEndpoint const& endpoint,
                                       AwsCredentials const& creds, std::chrono::seconds duration);
// `name` is the federated user's name (2-32 characters of [\w+=,.@-]; longer names are cut).
Result<AwsCredentials> GetFederationToken(Context& ctx, AwsEndpoint const& endpoint,
                                          AwsCredentials const& creds, std::string name,
                                          std::chrono::seconds duration,
                                          SessionPolicy const& policy);

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name;
  std::chrono::seconds duration{3600};
  SessionPolicy policy;
  std::optional<std::string> external_id;
};
Result<AwsCredentials> AssumeRole(Context& ctx, AwsEndpoint const& endpoint,
                                  AwsCredentials const& creds, AssumeRoleRequest const& request);

// Parses the <Credentials> element of an STS answer (exposed for tests).
Result<AwsCredentials> ParseStsCredentials(std::string const& xml);

}  // namespace latchkey::aws
