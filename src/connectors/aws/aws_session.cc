#include "connectors/aws/aws_session.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/aws/aws_policies.h"
#include "connectors/aws/aws_spec.h"
#include "connectors/aws/implicit_credentials.h"
#include "connectors/aws/sts_api.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace latchkey::aws {
namespace {

SessionPolicy PolicyFor(Connector const& c, std::string const& resource_type,
                        std::optional<std::string> const& resource_id, std::string const& region) {
  SessionPolicy policy;
  policy.policy = NonEmpty(c.Value("policy"));
  if (c.configuration.contains("policy_arns") && c.configuration["policy_arns"].is_array()) {
    for (auto const& arn : c.configuration["policy_arns"]) {
      if (arn.is_string()) policy.policy_arns.push_back(arn.get<std::string>());
    }
  }
  // Upstream's rule: an explicit policy wins; otherwise scope to the requested resource.
  if (!policy.policy && policy.policy_arns.empty()) {
    policy.policy = SessionPolicyFor(resource_type, resource_id, region);
  }
  return policy;
}

// The context memo's key for the client credentials of (c, resource): a digest of everything
// ClientCredentials reads, so a verification and the issue that follows it in one request share
// one STS call, and nothing else can meet them.
std::string ClientCredentialsMemoKey(Connector const& c, std::string const& resource_type,
                                     std::optional<std::string> const& resource_id) {
  nlohmann::json parts = {c.id,
                          c.auth_method,
                          c.configuration.dump(),
                          c.secrets,
                          c.expiration_seconds.value_or(-1),
                          c.expires_at ? FormatIso8601(*c.expires_at) : "",
                          resource_type,
                          resource_id.value_or(""),
                          resource_id.has_value()};
  return "aws.client-credentials:" + crypto::HexEncode(crypto::Sha256(parts.dump()));
}

Result<AwsCredentials> IssueClientCredentials(Context& ctx, Connector const& c,
                                              std::string const& resource_type,
                                              std::optional<std::string> const& resource_id) {
  auto base = ConfiguredCredentials(ctx, c);
  if (!base) return base;
  AwsEndpoint endpoint = EndpointOf(c);
  std::chrono::seconds duration(c.expiration_seconds.value_or(3600));
  std::string session = "latchkey-" + c.id.substr(0, 8);
  auto role_arn = NonEmpty(c.Value("role_arn"));
  if (c.auth_method == kIamRole || (c.auth_method == kImplicit && role_arn)) {
    AssumeRoleRequest request{*role_arn, session, duration,
                              PolicyFor(c, resource_type, resource_id, endpoint.region),
                              NonEmpty(c.Value("external_id"))};
    return AssumeRole(ctx, endpoint, *base, request);
  }
  if (c.auth_method == kSessionToken) return GetSessionToken(ctx, endpoint, *base, duration);
  if (c.auth_method == kFederationToken) {
    SessionPolicy policy = PolicyFor(c, resource_type, resource_id, endpoint.region);
    if (!policy.policy && policy.policy_arns.empty()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "federation tokens for aws-generic carry no permissions without a policy; "
                  "configure --policy or --policy_arns");
    }
    return GetFederationToken(ctx, endpoint, *base, session, duration, policy);
  }
  return base;  // secret-key, sts-token, implicit without a role
}

}  // namespace

AwsEndpoint EndpointOf(Connector const& c) {
  AwsEndpoint endpoint{c.Value("region").value_or(""), NonEmpty(c.Value("endpoint_url")), {}};
  for (char const* service : kAwsServices) {
    if (auto url = NonEmpty(c.Value(ServiceEndpointField(service)))) {
      endpoint.service_endpoint_url[service] = *url;
    }
  }
  return endpoint;
}

Result<AwsCredentials> ConfiguredCredentials(Context& ctx, Connector const& c) {
  AwsCredentials creds;
  if (c.auth_method == kImplicit) {
    if (!ctx.allow_implicit_auth) {
      return Fail(ErrorCode::kPermissionDenied,
                  "the implicit authentication method is disabled; set "
                  "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true to allow it");
    }
    return ImplicitCredentials(ctx, NonEmpty(c.Value("profile_name")));
  }
  auto id = c.Value("aws_access_key_id"), secret = c.Value("aws_secret_access_key");
  if (!id || !secret) {
    return Fail(ErrorCode::kInvalidArgument, "the connector has no AWS access keys configured");
  }
  creds.access_key_id = *id;
  creds.secret_access_key = *secret;
  if (c.auth_method == kStsToken) {
    creds.session_token = c.Value("aws_session_token");
    creds.expiration = c.expires_at;
  }
  return creds;
}

Result<AwsCredentials> ClientCredentials(Context& ctx, Connector const& c,
                                         std::string const& resource_type,
                                         std::optional<std::string> const& resource_id) {
  // GetConnectorClient verifies the resource with these credentials and then issues the client
  // with them: the STS call is made once per context, not once for each.
  std::string key = ClientCredentialsMemoKey(c, resource_type, resource_id);
  if (auto it = ctx.memo.find(key); it != ctx.memo.end()) {
    if (auto const* creds = std::any_cast<AwsCredentials>(&it->second)) return *creds;
  }
  auto creds = IssueClientCredentials(ctx, c, resource_type, resource_id);
  if (creds && creds->session_token) ctx.memo[key] = *creds;
  return creds;
}

}  // namespace latchkey::aws
