#include "connectors/aws/sts_api.h"

#include <fmt/format.h>

#include <pugixml.hpp>

namespace latchkey::aws {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

Result<std::string> CallSts(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                            Params params) {
  params.insert(params.begin(), {"Version", "2011-06-15"});
  AwsCall call;
  call.service = "sts";
  call.method = "POST";
  call.url = endpoint.BaseUrl("sts") + "/";
  call.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  call.body = FormEncode(params);
  auto response = SendAws(ctx, endpoint, creds, call);
  if (!response) return tl::unexpected(response.error());
  return response->body;
}

void AddPolicy(Params& params, SessionPolicy const& policy) {
  if (policy.policy) params.emplace_back("Policy", *policy.policy);
  for (size_t i = 0; i < policy.policy_arns.size(); ++i) {
    params.emplace_back(fmt::format("PolicyArns.member.{}.arn", i + 1), policy.policy_arns[i]);
  }
}

std::string SafeFederatedName(std::string name) {
  std::string out;
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) ||
              std::string_view("_+=,.@-").find(c) != std::string_view::npos;
    out += ok ? c : '-';
  }
  if (out.size() > 32) out.resize(32);
  while (out.size() < 2) out += '-';
  return out;
}

}  // namespace

Result<AwsCredentials> ParseStsCredentials(std::string const& xml) {
  pugi::xml_document doc;
  if (!doc.load_string(xml.c_str())) {
    return Fail(ErrorCode::kUnavailable, "STS answered with something that is not XML");
  }
  pugi::xml_node c = doc.select_node("//Credentials").node();
  AwsCredentials creds;
  creds.access_key_id = c.child_value("AccessKeyId");
  creds.secret_access_key = c.child_value("SecretAccessKey");
  std::string token = c.child_value("SessionToken");
  if (!token.empty()) creds.session_token = token;
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return Fail(ErrorCode::kUnavailable, "STS answered without credentials");
  }
  if (std::string expiration = c.child_value("Expiration"); !expiration.empty()) {
    auto t = ParseTimestamp(expiration);
    if (!t) return Fail(ErrorCode::kUnavailable, "STS answered with an unreadable expiration");
    creds.expiration = *t;
  }
  return creds;
}

Result<CallerIdentity> GetCallerIdentity(Context& ctx, AwsEndpoint const& endpoint,
                                         AwsCredentials const& creds) {
  auto body = CallSts(ctx, endpoint, creds, {{"Action", "GetCallerIdentity"}});
  if (!body) return tl::unexpected(body.error());
  pugi::xml_document doc;
  if (!doc.load_string(body->c_str())) {
    return Fail(ErrorCode::kUnavailable, "STS answered with something that is not XML");
  }
  pugi::xml_node r = doc.select_node("//GetCallerIdentityResult").node();
  CallerIdentity id{r.child_value("Account"), r.child_value("Arn"), r.child_value("UserId")};
  if (id.account.empty()) return Fail(ErrorCode::kUnavailable, "STS did not name the account");
  return id;
}

Result<AwsCredentials> GetSessionToken(Context& ctx, AwsEndpoint const& endpoint,
                                       AwsCredentials const& creds, std::chrono::seconds duration) {
  auto body = CallSts(
      ctx, endpoint, creds,
      {{"Action", "GetSessionToken"}, {"DurationSeconds", std::to_string(duration.count())}});
  if (!body) return tl::unexpected(body.error());
  return ParseStsCredentials(*body);
}

Result<AwsCredentials> GetFederationToken(Context& ctx, AwsEndpoint const& endpoint,
                                          AwsCredentials const& creds, std::string name,
                                          std::chrono::seconds duration,
                                          SessionPolicy const& policy) {
  Params params = {{"Action", "GetFederationToken"},
                   {"Name", SafeFederatedName(std::move(name))},
                   {"DurationSeconds", std::to_string(duration.count())}};
  AddPolicy(params, policy);
  auto body = CallSts(ctx, endpoint, creds, params);
  if (!body) return tl::unexpected(body.error());
  return ParseStsCredentials(*body);
}

Result<AwsCredentials> AssumeRole(Context& ctx, AwsEndpoint const& endpoint,
                                  AwsCredentials const& creds, AssumeRoleRequest const& request) {
  Params params = {{"Action", "AssumeRole"},
                   {"RoleArn", request.role_arn},
                   {"RoleSessionName", SafeFederatedName(request.session_name)},
                   {"DurationSeconds", std::to_string(request.duration.count())}};
  AddPolicy(params, request.policy);
  if (request.external_id) params.emplace_back("ExternalId", *request.external_id);
  auto body = CallSts(ctx, endpoint, creds, params);
  if (!body) return tl::unexpected(body.error());
  return ParseStsCredentials(*body);
}

}  // namespace latchkey::aws
