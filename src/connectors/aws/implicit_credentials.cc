#include "connectors/aws/implicit_credentials.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/strings.h"
#include "connectors/aws/aws_config_files.h"

namespace latchkey::aws {
namespace {

using Found = std::optional<AwsCredentials>;

std::optional<std::string> Env(Context const& ctx, char const* name) {
  return NonEmpty(ctx.env.Get(name));
}

// The JSON both the container endpoint and IMDS answer with.
Result<AwsCredentials> ParseCredentialsJson(std::string const& body, char const* source) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("AccessKeyId") ||
      !json.contains("SecretAccessKey")) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("the {} answered without credentials", source));
  }
  AwsCredentials creds;
  creds.access_key_id = JsonString(json, "AccessKeyId");
  creds.secret_access_key = JsonString(json, "SecretAccessKey");
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("the {} answered without credentials", source));
  }
  if (auto token = JsonString(json, "Token"); !token.empty()) creds.session_token = token;
  if (auto expiration = JsonString(json, "Expiration"); !expiration.empty()) {
    auto t = ParseTimestamp(expiration);
    if (t) creds.expiration = *t;
  }
  return creds;
}

Found FromEnvironment(Context const& ctx) {
  auto id = Env(ctx, "AWS_ACCESS_KEY_ID"), secret = Env(ctx, "AWS_SECRET_ACCESS_KEY");
  if (!id || !secret) return std::nullopt;
  return AwsCredentials{*id, *secret, Env(ctx, "AWS_SESSION_TOKEN"), std::nullopt};
}

Found FromSharedFiles(Context const& ctx, std::optional<std::string> const& profile_name) {
  std::string profile = profile_name.value_or(ProfileName(ctx.env));
  IniSection s = LoadProfile(ctx.env, profile);
  auto id = s.find("aws_access_key_id"), secret = s.find("aws_secret_access_key");
  if (id == s.end() || secret == s.end()) return std::nullopt;
  AwsCredentials creds{id->second, secret->second, std::nullopt, std::nullopt};
  if (auto token = s.find("aws_session_token"); token != s.end())
    creds.session_token = token->second;
  return creds;
}

Result<Found> FromContainerEndpoint(Context& ctx) {
  std::optional<std::string> url = Env(ctx, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!url) {
    if (auto relative = Env(ctx, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      url = "http://169.254.170.2" + *relative;
    }
  }
  if (!url) return Found{};
  HttpRequest request;
  request.url = *url;
  request.timeout = ctx.timeout;
  request.instance_metadata = true;  // from the server's environment, never a user's choice
  std::optional<std::string> token = Env(ctx, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (auto file = Env(ctx, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    std::string text;
    if (!ReadFile(*file, text)) {
      return Fail(ErrorCode::kUnavailable, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }
    token = Trim(text);
  }
  if (token) request.headers.emplace_back("Authorization", *token);
  auto response = ctx.http.Send(request);
  if (!response) return Fail(response.error(), "container credentials endpoint");
  if (response->status != 200) {
    return Fail(
        ErrorCode::kUnauthenticated,
        fmt::format("the container credentials endpoint answered HTTP {}", response->status));
  }
  auto creds = ParseCredentialsJson(response->body, "container credentials endpoint");
  if (!creds) return tl::unexpected(creds.error());
  return Found{*creds};
}

Result<Found> FromInstanceMetadata(Context& ctx) {
  if (auto disabled = Env(ctx, "AWS_EC2_METADATA_DISABLED"); disabled && IsTruthy(*disabled)) {
    return Found{};
  }
  std::string base =
      Env(ctx, "AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
  while (EndsWith(base, "/")) base.pop_back();
  // IMDSv2: a session token first (a PUT, which a forwarded request cannot make), then the role.
  auto request = [](std::string method, std::string url, HttpHeaders headers,
                    std::chrono::milliseconds timeout) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.headers = std::move(headers);
    r.timeout = timeout;
    r.instance_metadata = true;
    return r;
  };
  auto token = ctx.http.Send(request("PUT", base + "/latest/api/token",
                                     {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                                     std::chrono::seconds(2)));
  if (!token || token->status != 200) return Found{};  // not on EC2: the chain ends here
  HttpHeaders auth = {{"X-aws-ec2-metadata-token", token->body}};
  std::string path = base + "/latest/meta-data/iam/security-credentials/";
  auto role = ctx.http.Send(request("GET", path, auth, ctx.timeout));
  if (!role || role->status != 200 || Trim(role->body).empty()) {
    return Fail(ErrorCode::kFailedPrecondition, "this instance has no IAM role attached");
  }
  std::string role_name = Trim(Split(role->body, '\n')[0]);
  auto creds = ctx.http.Send(request("GET", path + role_name, auth, ctx.timeout));
  if (!creds || creds->status != 200) {
    return Fail(ErrorCode::kUnavailable, "the instance metadata service gave no role credentials");
  }
  auto parsed = ParseCredentialsJson(creds->body, "instance metadata service");
  if (!parsed) return tl::unexpected(parsed.error());
  return Found{*parsed};
}

}  // namespace

Result<AwsCredentials> ImplicitCredentials(Context& ctx,
                                           std::optional<std::string> const& profile_name) {
  if (!profile_name) {
    if (auto creds = FromEnvironment(ctx)) return *creds;
  }
  if (auto creds = FromSharedFiles(ctx, profile_name)) return *creds;
  if (profile_name) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("profile '{}' has no credentials in {}", *profile_name,
                            CredentialsFilePath(ctx.env)));
  }
  auto container = FromContainerEndpoint(ctx);
  if (!container) return tl::unexpected(container.error());
  if (*container) return **container;
  auto instance = FromInstanceMetadata(ctx);
  if (!instance) return tl::unexpected(instance.error());
  if (*instance) return **instance;
  return Fail(ErrorCode::kFailedPrecondition,
              "implicit authentication found no AWS credentials (environment, shared files, "
              "container endpoint, instance metadata)");
}

}  // namespace latchkey::aws
