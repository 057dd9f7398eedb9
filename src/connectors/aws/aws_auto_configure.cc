#include "connectors/aws/aws_auto_configure.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/aws/aws_config_files.h"
#include "connectors/aws/aws_session.h"
#include "connectors/aws/aws_spec.h"
#include "connectors/aws/sts_api.h"

namespace latchkey::aws {
namespace {

std::optional<std::string> First(std::initializer_list<std::optional<std::string>> values) {
  for (auto const& v : values) {
    if (v && !v->empty()) return v;
  }
  return std::nullopt;
}

std::optional<std::string> Get(IniSection const& s, std::string const& key) {
  auto it = s.find(key);
  if (it == s.end()) return std::nullopt;
  return it->second;
}

}  // namespace

Result<Connector> AutoConfigureAws(Context& ctx, OptString const& auth_method,
                                   OptString const& resource_type, OptString const& resource_id) {
  Environment const& env = ctx.env;
  std::string profile = ProfileName(env);
  IniSection settings = LoadProfile(env, profile);
  auto region =
      First({env.Get("AWS_REGION"), env.Get("AWS_DEFAULT_REGION"), Get(settings, "region")});
  if (!region) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("no AWS region found: set AWS_REGION or `region` in profile '{}' of {}",
                            profile, ConfigFilePath(env)));
  }
  Connector c;
  c.connector_type = kConnectorType;
  c.configuration = {{"region", *region}};
  if (auto endpoint = First({env.Get("AWS_ENDPOINT_URL"), Get(settings, "endpoint_url")})) {
    c.configuration["endpoint_url"] = *endpoint;
  }
  for (char const* service : kAwsServices) {  // the SDKs' AWS_ENDPOINT_URL_<SERVICE>
    std::string upper = ToUpper(service);
    if (auto url = First({env.Get("AWS_ENDPOINT_URL_" + upper)})) {
      c.configuration[ServiceEndpointField(service)] = *url;
    }
  }
  std::optional<std::string> key_id, secret, token;
  bool from_env = false;
  if (auto id = env.Get("AWS_ACCESS_KEY_ID"); id && !id->empty()) {
    key_id = id;
    secret = env.Get("AWS_SECRET_ACCESS_KEY");
    token = First({env.Get("AWS_SESSION_TOKEN")});
    from_env = true;
  }
  auto role_arn = Get(settings, "role_arn");
  if (!from_env) {
    IniSection const* source = &settings;
    IniSection source_settings;
    if (role_arn) {
      auto source_profile = Get(settings, "source_profile");
      if (!source_profile) {
        return Fail(ErrorCode::kFailedPrecondition,
                    fmt::format("profile '{}' assumes a role without a source_profile; only "
                                "source_profile roles can be lifted",
                                profile));
      }
      source_settings = LoadProfile(env, *source_profile);
      source = &source_settings;
    }
    key_id = Get(*source, "aws_access_key_id");
    secret = Get(*source, "aws_secret_access_key");
    token = Get(*source, "aws_session_token");
  }
  if (!key_id || !secret) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("no AWS credentials found in the environment or in profile '{}' of {}",
                            profile, CredentialsFilePath(env)));
  }
  c.secrets = {{"aws_access_key_id", *key_id}, {"aws_secret_access_key", *secret}};
  bool role = !from_env && role_arn;
  std::string method = auth_method ? *auth_method
                       : role      ? kIamRole
                       : token     ? kStsToken
                                   : kSessionToken;
  c.auth_method = method;
  if (method == kIamRole) {
    // Without a role profile the role comes from the command line (--role_arn), which the
    // caller merges over what is detected here; validation names it if it is missing.
    if (role_arn) c.configuration["role_arn"] = *role_arn;
    if (auto external = Get(settings, "external_id")) c.secrets["external_id"] = *external;
  } else if (method == kStsToken) {
    if (token) {
      c.secrets["aws_session_token"] = *token;
      // The files do not record when a session token ends; like upstream, assume an hour.
      c.expires_at = ctx.now + std::chrono::hours(1);
    } else {
      // Long-lived keys asked to become an STS token: mint a 12-hour one.
      AwsCredentials keys{*key_id, *secret, std::nullopt, std::nullopt};
      auto minted = GetSessionToken(ctx, EndpointOf(c), keys, std::chrono::hours(12));
      if (!minted) return Fail(minted.error(), "minting an STS token for auto-configuration");
      c.secrets = {{"aws_access_key_id", minted->access_key_id},
                   {"aws_secret_access_key", minted->secret_access_key},
                   {"aws_session_token", minted->session_token.value_or("")}};
      c.expires_at = minted->expiration;
    }
  } else if (token) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the local credentials are temporary (they carry a session token); use "
                "--auth-method sts-token");
  }
  if (resource_type) c.resource_types = {*resource_type};
  c.resource_id = resource_id;
  return c;
}

Result<std::string> WriteAwsProfile(Context& ctx, Connector const& client) {
  std::string profile = "latchkey-" + client.id.substr(0, 8);
  IniSection credentials = {
      {"aws_access_key_id", client.Value("aws_access_key_id").value_or("")},
      {"aws_secret_access_key", client.Value("aws_secret_access_key").value_or("")}};
  if (auto token = client.Value("aws_session_token")) credentials["aws_session_token"] = *token;
  IniSection config = {{"region", client.Value("region").value_or("")}};
  if (auto endpoint = client.Value("endpoint_url")) config["endpoint_url"] = *endpoint;
  if (auto r = WriteProfile(ctx.env, profile, credentials, config); !r)
    return tl::unexpected(r.error());
  std::string expiry = client.expires_at ? " until " + FormatIso8601(*client.expires_at) : "";
  return fmt::format("Configured AWS profile '{}' in {}{}; use it with AWS_PROFILE={}.", profile,
                     CredentialsFilePath(ctx.env), expiry, profile);
}

}  // namespace latchkey::aws
