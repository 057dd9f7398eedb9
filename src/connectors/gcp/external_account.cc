#include "connectors/gcp/external_account.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/json_fields.h"
#include "common/strings.h"
#include "common/subprocess.h"
#include "connectors/gcp/oauth2_grants.h"

namespace latchkey::gcp {
namespace {

constexpr char kWhat[] = "external_account_json";

// A file or URL source's content: plain text, or a JSON object holding the token in a field.
Result<std::string> FromFormat(nlohmann::json const& source, std::string const& content) {
  nlohmann::json const& format = JsonObjectAt(source, "format");
  if (JsonString(format, "type") != "json") return Trim(content);
  auto j = nlohmann::json::parse(content, nullptr, false);
  std::string field = JsonString(format, "subject_token_field_name");
  auto token = j.find(field);  // end() when j is not an object
  if (field.empty() || token == j.end() || !token->is_string()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the credential source is not JSON with the subject_token_field_name field");
  }
  return token->get<std::string>();
}

Result<std::string> FromUrl(Context& ctx, nlohmann::json const& source) {
  HttpRequest request;
  request.url = JsonString(source, "url");
  request.timeout = ctx.timeout;
  nlohmann::json const& headers = JsonObjectAt(source, "headers");
  for (auto const& [k, v] : headers.items()) {
    if (v.is_string()) request.headers.emplace_back(k, v.get<std::string>());
  }
  auto response = ctx.http.Send(request);
  if (!response) return Fail(response.error(), "reading the subject token from its URL");
  if (response->status != 200) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("the subject token URL answered {}", response->status));
  }
  return FromFormat(source, response->body);
}

// Google's executable-sourced credentials contract: a JSON answer on stdout naming the token,
// its type and its expiry.
Result<std::string> FromExecutable(Context& ctx, nlohmann::json const& config,
                                   nlohmann::json const& executable) {
  if (ctx.env.Get("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES").value_or("") != "1") {
    return Fail(ErrorCode::kPermissionDenied,
                "executable credential sources run only with "
                "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1");
  }
  std::vector<std::string> argv;
  for (auto const& part : Split(JsonString(executable, "command"), ' ')) {
    if (!part.empty()) argv.push_back(part);
  }
  if (argv.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "the executable credential source has no command");
  }
  int64_t timeout =
      std::clamp<int64_t>(JsonInteger(executable, "timeout_millis", 30000), 5000, 120000);
  std::map<std::string, std::string> env = {
      {"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE", JsonString(config, "audience")},
      {"GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE", JsonString(config, "subject_token_type")},
      {"GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE", "0"}};
  if (auto url = JsonString(config, "service_account_impersonation_url"); !url.empty()) {
    auto colon = url.rfind(':'), slash = url.rfind('/', colon);
    if (colon != std::string::npos && slash != std::string::npos) {
      env["GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL"] = url.substr(slash + 1, colon - slash - 1);
    }
  }
  auto run = RunCapturingOutput(argv, env, std::chrono::milliseconds(timeout));
  if (!run) return Fail(run.error(), "the executable credential source");
  auto out = nlohmann::json::parse(run->stdout_text, nullptr, false);
  if (!out.is_object()) {
    return Fail(ErrorCode::kFailedPrecondition, fmt::format("the executable credential source "
                                                            "exited {} without a JSON answer",
                                                            run->exit_status));
  }
  if (!JsonBool(out, "success", false)) {
    return Fail(ErrorCode::kUnauthenticated,
                fmt::format("the executable credential source failed: {} {}",
                            JsonString(out, "code"), JsonString(out, "message")));
  }
  if (auto exp = out.find("expiration_time"); exp != out.end() && exp->is_number()) {
    auto at = TimePoint(ClampedSeconds(exp->get<double>(), kLatestTimestamp));
    if (at <= ctx.now) {
      return Fail(ErrorCode::kUnauthenticated,
                  "the executable credential source returned an expired token");
    }
  }
  std::string token = JsonString(out, "id_token");
  if (token.empty()) token = JsonString(out, "saml_response");
  if (token.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the executable credential source returned no id_token or saml_response");
  }
  return token;
}

Result<std::string> SubjectToken(Context& ctx, nlohmann::json const& config) {
  auto const& source = config["credential_source"];
  if (source.contains("environment_id")) {
    return Fail(ErrorCode::kInvalidArgument,
                "AWS and other environment credential sources are not supported; use a file, "
                "URL or executable credential source");
  }
  if (auto file = JsonString(source, "file"); !file.empty()) {
    std::string content;
    if (!ReadFile(file, content)) {
      return Fail(ErrorCode::kFailedPrecondition, "cannot read the subject token file " + file);
    }
    return FromFormat(source, content);
  }
  if (!JsonString(source, "url").empty()) return FromUrl(ctx, source);
  if (auto e = source.find("executable"); e != source.end() && e->is_object()) {
    return FromExecutable(ctx, config, *e);
  }
  return Fail(ErrorCode::kInvalidArgument,
              std::string(kWhat) + ": the credential_source names no file, url or executable");
}

}  // namespace

Result<AccessToken> ExternalAccountToken(Context& ctx, nlohmann::json const& config,
                                         GcpEndpoints const& endpoints, std::string const& scope) {
  auto subject = SubjectToken(ctx, config);
  if (!subject) return tl::unexpected(subject.error());
  std::string sts_url = endpoints.CustomUrl("sts") ? endpoints.BaseUrl("sts") + "/v1/token"
                                                   : JsonString(config, "token_url");
  if (sts_url.empty()) sts_url = "https://sts.googleapis.com/v1/token";
  std::vector<std::pair<std::string, std::string>> params = {
      {"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
      {"audience", JsonString(config, "audience")},
      {"scope", scope},
      {"requested_token_type", "urn:ietf:params:oauth:token-type:access_token"},
      {"subject_token", *subject},
      {"subject_token_type", JsonString(config, "subject_token_type")}};
  if (auto project = JsonString(config, "workforce_pool_user_project"); !project.empty()) {
    params.emplace_back("options", nlohmann::json({{"userProject", project}}).dump());
  }
  auto federated = StsExchange(ctx, sts_url, params, *subject);
  if (!federated) return federated;
  federated->principal = "federated identity of " + JsonString(config, "audience");
  std::string url = JsonString(config, "service_account_impersonation_url");
  if (url.empty()) return federated;
  if (auto custom = endpoints.CustomUrl("iamcredentials")) {
    // Keep the path (it names the account), move the host.
    auto path = url.find("/v1/");
    if (path != std::string::npos) url = *custom + url.substr(path);
  }
  auto colon = url.rfind(':'), slash = url.rfind('/', colon);
  std::string target = slash != std::string::npos && colon != std::string::npos
                           ? url.substr(slash + 1, colon - slash - 1)
                           : "the service account";
  int64_t lifetime = JsonInteger(JsonObjectAt(config, "service_account_impersonation"),
                                 "token_lifetime_seconds", 3600);
  return GenerateAccessToken(ctx, url, *federated, target, {}, scope, lifetime);
}

}  // namespace latchkey::gcp
