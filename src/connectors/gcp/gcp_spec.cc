#include "connectors/gcp/gcp_spec.h"

namespace latchkey::gcp {
namespace {

// Fields every method has: the project, down-scoping of bucket tokens, endpoint overrides.
std::vector<ConfigField> Common(std::vector<ConfigField> own) {
  std::vector<ConfigField> f = {MakeField("project_id", "GCP Project ID", false, true)};
  for (auto& o : own) f.push_back(std::move(o));
  f.push_back(MakeField("downscope_gcs_tokens",
                        "Limit tokens issued for a gcs-bucket to that bucket (Credential Access "
                        "Boundary)",
                        false, false, FieldType::kBoolean, "true"));
  f.push_back(MakeField("gcs_access_boundary_role",
                        "Role a down-scoped bucket token keeps on its bucket", false, false,
                        FieldType::kString, kDefaultAccessBoundaryRole));
  f.push_back(MakeField(kApiEndpointField,
                        "Base URL for every Google API (tests, private endpoints)", false, false));
  for (char const* service : kGcpServices) {
    f.push_back(MakeField(ServiceEndpointField(service),
                          std::string(service) + " API base URL (overrides api_endpoint)", false,
                          false));
  }
  return f;
}

ConfigField TemporaryTokens() {
  return MakeField("generate_temporary_tokens",
                   "Hand clients temporary access tokens instead of the key itself", false, false,
                   FieldType::kBoolean, "true");
}

AuthMethodSpec Method(std::string name, std::string method, std::string description,
                      std::vector<ConfigField> fields) {
  AuthMethodSpec m;
  m.name = std::move(name);
  m.auth_method = std::move(method);
  m.description = std::move(description);
  m.fields = Common(std::move(fields));
  return m;
}

ConnectorTypeSpec Build() {
  ConnectorTypeSpec s;
  s.name = "GCP Service Connector";
  s.connector_type = kConnectorType;
  s.emoji = "🔵";
  s.supports_auto_configuration = true;
  s.description =
      "The GCP Service Connector authenticates to Google Cloud and reaches GCS buckets, GKE\n"
      "clusters, GCR and Artifact Registry registries and any other Google API. Clients receive\n"
      "OAuth2 access tokens that expire within the hour; a token issued for one GCS bucket is\n"
      "limited to that bucket with a Credential Access Boundary. It speaks Google's OAuth2,\n"
      "STS and IAM Credentials protocols directly: no Google SDK or gcloud is needed.\n"
      "Credentials of the local gcloud / Application Default Credentials can be lifted with\n"
      "--auto-configure.";

  AuthMethodSpec implicit =
      Method("GCP Implicit Authentication", kImplicit,
             "Application Default Credentials of the environment the broker runs in:\n"
             "GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file, or the GCE metadata server\n"
             "(GCE_METADATA_HOST). Disabled unless LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true,\n"
             "because it hands the broker's own identity to whoever can use the connector.",
             {});
  AuthMethodSpec user =
      Method("GCP User Account", kUserAccount,
             "A user's OAuth2 refresh token (the `authorized_user` JSON gcloud writes). Clients\n"
             "receive access tokens refreshed from it, or the JSON itself with\n"
             "generate_temporary_tokens=false.",
             {MakeField("user_account_json", "GCP User Account Credentials JSON", true, true),
              TemporaryTokens()});
  AuthMethodSpec service = Method(
      "GCP Service Account", kServiceAccount,
      "A service account key (JSON). The broker signs a JWT assertion with the key and\n"
      "exchanges it at the key's token_uri for access tokens; clients receive those, or the\n"
      "key itself with generate_temporary_tokens=false.",
      {MakeField("service_account_json", "GCP Service Account Key JSON", true, true),
       TemporaryTokens()});
  AuthMethodSpec external =
      Method("GCP External Account", kExternalAccount,
             "Workload Identity Federation: an `external_account` JSON whose credential source (a\n"
             "file, a URL or an executable) yields a third-party token that Google STS exchanges,\n"
             "optionally followed by service account impersonation. Disabled unless\n"
             "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true, because the source is the broker's own\n"
             "environment.",
             {MakeField("external_account_json", "GCP External Account JSON", true, true),
              TemporaryTokens()});
  AuthMethodSpec token = Method(
      "GCP OAuth 2.0 Token", kOAuth2Token,
      "An OAuth2 access token obtained elsewhere; set --expires-at so the broker knows when\n"
      "it stops working. Clients receive the token itself.",
      {MakeField("token", "GCP OAuth 2.0 Token", true, true),
       MakeField("service_account_email", "GCP Service Account Email", false, false),
       MakeField("access_boundary", "Bucket the token is limited to, if it is down-scoped", false,
                 false)});
  AuthMethodSpec impersonation = Method(
      "GCP Service Account Impersonation", kImpersonation,
      "Uses a service account key to impersonate another service account (IAM Credentials\n"
      "generateAccessToken): the key's own account needs no permission beyond Service Account\n"
      "Token Creator on the target, and clients receive the target's tokens.",
      {MakeField("service_account_json", "GCP Service Account Key JSON", true, true),
       MakeField("target_principal", "GCP Service Account Email to impersonate", false, true),
       MakeField("delegates", "Delegation chain of service account emails", false, false,
                 FieldType::kList)});
  impersonation.min_expiration_seconds = 300;
  impersonation.default_expiration_seconds = 3600;
  impersonation.max_expiration_seconds = 3600;
  // With generate_temporary_tokens=false these hand clients the JSON itself.
  for (AuthMethodSpec* keyed : {&user, &service, &external}) {
    keyed->long_lived_clients = LongLivedClients{
        "leave generate_temporary_tokens at true (or use the impersonation method), so that "
        "clients receive access tokens that expire within the hour",
        "generate_temporary_tokens"};
  }
  s.auth_methods = {implicit, user, service, external, token, impersonation};

  std::vector<std::string> all = {kImplicit,        kUserAccount, kServiceAccount,
                                  kExternalAccount, kOAuth2Token, kImpersonation};
  s.resource_types = {
      {"Generic GCP resource",
       kGenericResource,
       "🔵",
       "Any Google Cloud API in the configured project; clients receive an OAuth2 access token.",
       all,
       false,
       {"{project_id}"}},
      {"GCP GCS bucket",
       kGcsResource,
       "📦",
       "Google Cloud Storage buckets. Clients receive a token limited to the one bucket\n"
       "(unless downscope_gcs_tokens=false). Bucket names with dots are accepted.",
       all,
       true,
       {"gs://{bucket-name}", "{bucket-name}"}},
      {"GCP GKE Kubernetes cluster",
       kGkeResource,
       "🌀",
       "GKE clusters of the project, in any location. Clients receive a `kubernetes` connector\n"
       "(token method) whose kubeconfig names the cluster gke_{project}_{location}_{name}, as\n"
       "gcloud does.",
       all,
       true,
       {"{cluster-name}", "{location}/{cluster-name}", "gke_{project}_{location}_{cluster-name}"}},
      {"GCP GCR / Artifact Registry",
       kRegistryResource,
       "🐳",
       "Container registries: legacy GCR and Artifact Registry Docker repositories. Clients\n"
       "receive a `docker` connector with user oauth2accesstoken.",
       all,
       true,
       {"[{region}.]gcr.io/{project}", "{location}-docker.pkg.dev/{project}/{repository}",
        "projects/{project}/locations/{location}/repositories/{repository}"}},
  };
  return s;
}

}  // namespace

std::string ServiceEndpointField(std::string const& service) { return service + "_endpoint"; }

ConnectorTypeSpec const& GcpSpec() {
  static ConnectorTypeSpec const spec = Build();
  return spec;
}

}  // namespace latchkey::gcp
