#include "connectors/gcp/gcp_auto_configure.h"

#include "connectors/gcp/application_default.h"
#include "connectors/gcp/credential_files.h"
#include "connectors/gcp/gcp_endpoints.h"
#include "connectors/gcp/gcp_spec.h"
#include "connectors/gcp/oauth2_grants.h"

namespace latchkey::gcp {
namespace {

// The method a credential file maps to, and the field that holds it.
Result<std::pair<std::string, std::string>> MethodForFile(std::string const& type) {
  if (type == "service_account") return std::pair{kServiceAccount, "service_account_json"};
  if (type == "authorized_user") return std::pair{kUserAccount, "user_account_json"};
  if (type == "external_account") return std::pair{kExternalAccount, "external_account_json"};
  return Fail(ErrorCode::kFailedPrecondition,
              "Application Default Credentials of type '" + type +
                  "' cannot be stored in a connector; use --auth-method implicit or "
                  "oauth2-token");
}

}  // namespace

Result<Connector> AutoConfigureGcp(Context& ctx, OptString const& auth_method,
                                   OptString const& resource_type, OptString const& resource_id) {
  auto adc = FindApplicationDefaultCredentials(ctx);
  if (!adc) return tl::unexpected(adc.error());
  Connector c;
  c.connector_type = kConnectorType;
  if (resource_type) c.resource_types = {*resource_type};
  c.resource_id = resource_id;
  std::optional<std::string> key_project;
  if (adc->file_path) {
    if (auto key = ParseServiceAccountKey(adc->file_content, "the ADC file")) {
      key_project = key->project_id;
    }
  } else if (auto project = MetadataServerProject(ctx, *adc->metadata_host)) {
    key_project = *project;
  }
  if (auto project = EnvironmentProject(ctx, key_project)) c.configuration["project_id"] = *project;

  std::string method = auth_method.value_or("");
  if (method == kImplicit || (method.empty() && adc->metadata_host)) {
    c.auth_method = kImplicit;
    return c;
  }
  if (method == kOAuth2Token) {
    // A token minted now from the local credentials: the connector expires with it.
    GcpEndpoints endpoints;
    auto token =
        adc->metadata_host
            ? MetadataServerToken(ctx, *adc->metadata_host, kCloudPlatformScope)
            : TokenFromCredentialFile(ctx, adc->file_content, endpoints, kCloudPlatformScope);
    if (!token) return tl::unexpected(token.error());
    c.auth_method = kOAuth2Token;
    c.secrets["token"] = token->token;
    c.expires_at = token->expires_at;
    if (!token->principal.empty() && token->principal.find('@') != std::string::npos) {
      c.configuration["service_account_email"] = token->principal;
    }
    return c;
  }
  if (adc->metadata_host) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the only local credentials are the metadata server's; use --auth-method "
                "implicit or oauth2-token");
  }
  auto type = CredentialFileType(adc->file_content, "the ADC file " + *adc->file_path);
  if (!type) return tl::unexpected(type.error());
  auto mapped = MethodForFile(*type);
  if (!mapped) return tl::unexpected(mapped.error());
  bool impersonate = method == kImpersonation && mapped->first == kServiceAccount;
  if (!method.empty() && method != mapped->first && !impersonate) {
    return Fail(ErrorCode::kFailedPrecondition, "the local credentials (" + *adc->file_path +
                                                    ") are of type '" + *type + "', which the '" +
                                                    method + "' method cannot use");
  }
  c.auth_method = impersonate ? kImpersonation : mapped->first;
  c.secrets[mapped->second] = adc->file_content;
  return c;
}

}  // namespace latchkey::gcp
