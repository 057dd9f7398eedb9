#include "connectors/gcp/application_default.h"

#include "common/ini_file.h"
#include "common/json_fields.h"
#include "common/strings.h"
#include "connectors/gcp/credential_files.h"
#include "connectors/gcp/external_account.h"
#include "connectors/gcp/gcp_local_client.h"
#include "connectors/gcp/oauth2_grants.h"

namespace latchkey::gcp {
namespace {

bool MetadataServerAnswers(Context& ctx, std::string const& host) {
  HttpRequest probe;
  probe.url = "http://" + host + "/";
  probe.headers = {{"Metadata-Flavor", "Google"}};
  probe.timeout = std::chrono::milliseconds(1000);
  probe.instance_metadata = true;
  auto response = ctx.http.Send(probe);
  return response && response->Header("metadata-flavor").value_or("") == "Google";
}

// impersonated_service_account files (`gcloud auth application-default login
// --impersonate-service-account`): a source credential file plus the account to impersonate.
Result<AccessToken> ImpersonatedFileToken(Context& ctx, nlohmann::json const& j,
                                          GcpEndpoints const& endpoints, std::string const& scope) {
  auto const& source = JsonObjectAt(j, "source_credentials");
  std::string url = JsonString(j, "service_account_impersonation_url");
  if (source.empty() || url.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the impersonated_service_account file lacks source_credentials or "
                "service_account_impersonation_url");
  }
  auto caller = TokenFromCredentialFile(ctx, source.dump(), endpoints, scope);
  if (!caller) return caller;
  if (auto custom = endpoints.CustomUrl("iamcredentials"); custom) {
    if (auto path = url.find("/v1/"); path != std::string::npos) url = *custom + url.substr(path);
  }
  auto colon = url.rfind(':'), slash = url.rfind('/', colon);
  std::string target = url.substr(slash + 1, colon - slash - 1);
  std::vector<std::string> delegates;
  for (auto const& d : JsonArrayAt(j, "delegates")) {
    if (d.is_string()) delegates.push_back(d.get<std::string>());
  }
  return GenerateAccessToken(ctx, url, *caller, target, delegates, scope, 3600);
}

}  // namespace

Result<AdcSource> FindApplicationDefaultCredentials(Context& ctx) {
  AdcSource source;
  if (auto path = NonEmpty(ctx.env.Get("GOOGLE_APPLICATION_CREDENTIALS"))) {
    if (!ReadFile(*path, source.file_content)) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "cannot read GOOGLE_APPLICATION_CREDENTIALS file " + *path);
    }
    source.file_path = *path;
    return source;
  }
  std::string adc = GcloudConfigDir(ctx.env) + "/application_default_credentials.json";
  if (ReadFile(adc, source.file_content)) {
    source.file_path = adc;
    return source;
  }
  std::string host = ctx.env.Get("GCE_METADATA_HOST").value_or("169.254.169.254");
  if (MetadataServerAnswers(ctx, host)) {
    source.metadata_host = host;
    return source;
  }
  return Fail(ErrorCode::kFailedPrecondition,
              "no Application Default Credentials found: set GOOGLE_APPLICATION_CREDENTIALS, run "
              "`gcloud auth application-default login`, or run on Google Cloud");
}

std::optional<std::string> EnvironmentProject(Context const& ctx,
                                              std::optional<std::string> fallback) {
  for (char const* name : {"GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"}) {
    if (auto v = NonEmpty(ctx.env.Get(name))) return v;
  }
  std::string dir = GcloudConfigDir(ctx.env), active;
  if (!ReadFile(dir + "/active_config", active) || Trim(active).empty()) active = "default";
  std::string text;
  if (ReadFile(dir + "/configurations/config_" + Trim(active), text)) {
    auto ini = ParseIni(text);
    if (auto it = ini["core"].find("project"); it != ini["core"].end() && !it->second.empty()) {
      return it->second;
    }
  }
  return fallback;
}

Result<AccessToken> TokenFromCredentialFile(Context& ctx, std::string const& content,
                                            GcpEndpoints const& endpoints,
                                            std::string const& scope) {
  std::string const what = "the credentials file";
  auto type = CredentialFileType(content, what);
  if (!type) return tl::unexpected(type.error());
  if (*type == "service_account") {
    auto key = ParseServiceAccountKey(content, what);
    if (!key) return tl::unexpected(key.error());
    return JwtBearerGrant(ctx, *key, scope, endpoints.TokenUrl(key->token_uri));
  }
  if (*type == "authorized_user") {
    auto user = ParseAuthorizedUser(content, what);
    if (!user) return tl::unexpected(user.error());
    return RefreshTokenGrant(ctx, *user, endpoints.TokenUrl(user->token_uri));
  }
  if (*type == "external_account") {
    auto config = ParseExternalAccount(content, what);
    if (!config) return tl::unexpected(config.error());
    return ExternalAccountToken(ctx, *config, endpoints, scope);
  }
  if (*type == "impersonated_service_account") {
    return ImpersonatedFileToken(ctx, nlohmann::json::parse(content), endpoints, scope);
  }
  return Fail(ErrorCode::kInvalidArgument,
              "credentials files of type '" + *type + "' are not supported");
}

}  // namespace latchkey::gcp
