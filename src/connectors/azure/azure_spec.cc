#include "connectors/azure/azure_spec.h"

namespace latchkey::azure {
namespace {

// Where the connector's calls go. Every one has the public cloud's value as default and may
// point at a sovereign cloud, Azure Stack or a test server instead.
std::vector<ConfigField> Endpoints() {
  return {MakeField(field::kAuthorityHost, "Entra ID authority host URL", false, false,
                    FieldType::kString, "https://login.microsoftonline.com"),
          MakeField(field::kManagementEndpoint, "Azure Resource Manager endpoint URL", false, false,
                    FieldType::kString, "https://management.azure.com"),
          MakeField(field::kStorageSuffix,
                    "Storage endpoint suffix of the cloud (blob endpoints are "
                    "https://{account}.blob.{suffix})",
                    false, false, FieldType::kString, "core.windows.net")};
}

// Only for a Blob endpoint whose certificate no public CA signed (Azure Stack Hub, Azurite over
// HTTPS): the broker then trusts this CA alone for its Blob calls, and clients get it too.
ConfigField BlobCaField() {
  return MakeField(
      field::kBlobCaCertificate,
      "CA certificate (PEM or base64 PEM) the Blob endpoint's TLS certificate chains to, "
      "when not a public CA (default: the system trust store)",
      false, false);
}

std::vector<ConfigField> BlobFields() {
  return {MakeField(field::kBlobEndpoint,
                    "Blob service endpoint URL of the storage account (default "
                    "https://{account}.blob.{storage_endpoint_suffix})",
                    false, false),
          BlobCaField(),
          MakeField(field::kSasPermissions,
                    "Permissions of the container SAS clients receive, from 'racwdl' (read, add, "
                    "create, write, delete, list)",
                    false, false, FieldType::kString, "racwdl")};
}

// The scope restrictions upstream calls the base fields; `tenant_required` for methods that
// must name their tenant.
std::vector<ConfigField> Base(bool tenant_required) {
  std::vector<ConfigField> f = {
      MakeField(field::kSubscriptionId, "Azure subscription ID (scope; detected when only one)",
                false, false),
      MakeField(field::kTenantId, "Azure tenant (directory) ID", false, tenant_required),
      MakeField(field::kResourceGroup, "Resource group to scope AKS, ACR and storage lookups to",
                false, false),
      MakeField(field::kStorageAccount,
                "Storage account holding the blob containers (avoids scanning every account)",
                false, false)};
  for (auto& e : BlobFields()) f.push_back(e);
  for (auto& e : Endpoints()) f.push_back(e);
  return f;
}

constexpr int64_t kMinSas = 60;
constexpr int64_t kDefaultSas = 3600;
constexpr int64_t kMaxSas = 7 * 24 * 3600;  // a user delegation key lives at most 7 days

ConnectorTypeSpec Build() {
  ConnectorTypeSpec s;
  s.name = "Azure Service Connector";
  s.connector_type = kConnectorType;
  s.emoji = "🇦";
  s.supports_auto_configuration = true;
  s.description =
      "The Azure Service Connector authenticates to Azure and reaches blob containers, AKS\n"
      "clusters, ACR registries and any Azure Resource Manager API. It speaks Entra ID, ARM and\n"
      "the Blob service directly (no Azure SDK or CLI needed) and hands clients short-lived,\n"
      "narrow credentials: an Entra ID access token for generic resources, a SAS scoped to one\n"
      "container (never a storage account key), a Kubernetes token for AKS and an ACR refresh\n"
      "token for registries. The authority host, the management endpoint and the storage\n"
      "suffix or blob endpoint are configurable, for sovereign clouds, Azure Stack and Azurite.";

  AuthMethodSpec implicit{
      "Azure Implicit Authentication",
      kImplicit,
      "Uses the identity of the environment the broker runs in, in this order: the\n"
      "AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_TENANT_ID variables, a managed identity\n"
      "(IDENTITY_ENDPOINT and IDENTITY_HEADER), then the az CLI's login (`az account\n"
      "get-access-token`). Disabled unless LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true,\n"
      "because it hands the broker's own identity to whoever can use the connector.",
      Base(false),
      kMinSas,
      kDefaultSas,
      kMaxSas};
  implicit.fields.push_back(
      MakeField(field::kClientId, "Client ID of a user-assigned managed identity", false, false));

  std::vector<ConfigField> sp_fields = {
      MakeField(field::kClientId, "Service principal client (application) ID", false, true),
      MakeField(field::kClientSecret, "Service principal client secret", true, true)};
  for (auto& f : Base(true)) sp_fields.push_back(f);
  AuthMethodSpec sp{
      "Azure Service Principal",
      kServicePrincipal,
      "An Entra ID service principal with a client secret. The broker asks Entra ID for an\n"
      "access token per resource (management, storage) with the client-credentials grant and\n"
      "keeps it until shortly before it expires. Clients receive tokens or SAS, never the\n"
      "secret.",
      sp_fields,
      kMinSas,
      kDefaultSas,
      kMaxSas};

  std::vector<ConfigField> token_fields = {
      MakeField(field::kToken, "Entra ID access token (JWT)", true, true)};
  for (auto& f : Base(false)) token_fields.push_back(f);
  AuthMethodSpec token{
      "Azure Access Token",
      kAccessToken,
      "An Entra ID access token obtained elsewhere (e.g. `az account get-access-token`); set\n"
      "--expires-at. A token serves one audience: a management token\n"
      "(https://management.azure.com) reaches generic resources, AKS and ACR; a storage token\n"
      "(https://storage.azure.com) reaches blob containers. Asking for a resource the token's\n"
      "audience cannot serve fails with an error naming the audience needed.",
      token_fields,
      kMinSas,
      kDefaultSas,
      kMaxSas};

  std::vector<ConfigField> key_fields = {
      MakeField(field::kAccountName, "Storage account name", false, true),
      MakeField(field::kAccountKey, "Storage account access key (base64)", true, true)};
  for (auto& f : BlobFields()) key_fields.push_back(f);
  key_fields.push_back(Endpoints()[2]);
  AuthMethodSpec account_key{
      "Azure Storage Account Key",
      kStorageAccountKey,
      "A storage account's shared key, for blob containers only. The broker signs its own\n"
      "calls with the key (Shared Key) and gives clients a service SAS for one container,\n"
      "with the configured permissions and the connector's expiration: never the key itself.\n"
      "blob_endpoint reaches Azurite, Azure Stack and sovereign clouds.",
      key_fields,
      kMinSas,
      kDefaultSas,
      kMaxSas};

  AuthMethodSpec sas{
      "Azure Blob Container SAS",
      kSasToken,
      "A shared access signature for one blob container, as clients of the\n"
      "other methods receive it: `{blob_endpoint}/{container}?{sas_token}` lists\n"
      "and reads the container with any HTTP client or Azure SDK.",
      {MakeField(field::kAccountName, "Storage account name", false, true),
       MakeField(field::kBlobEndpoint, "Blob service endpoint URL", false, false), BlobCaField(),
       MakeField(field::kSasToken, "SAS query string (without '?')", true, true)},
      {},
      {},
      {}};
  sas.fields.push_back(Endpoints()[2]);
  s.auth_methods = {implicit, sp, token, account_key, sas};

  std::vector<std::string> tokens = {kImplicit, kServicePrincipal, kAccessToken};
  std::vector<std::string> blob = {kImplicit, kServicePrincipal, kAccessToken, kStorageAccountKey,
                                   kSasToken};
  s.resource_types = {
      {"Generic Azure resource",
       kGenericResource,
       "🇦",
       "Any Azure Resource Manager API in the subscription; clients receive an Entra ID access\n"
       "token for the management endpoint.",
       tokens,
       false,
       {"{subscription_id} (the connector's subscription)"}},
      {"Azure Blob Storage Container",
       kBlobResource,
       "📦",
       "Blob containers; clients receive a SAS for one container (user delegation SAS for\n"
       "token methods, service SAS for account keys).",
       blob,
       true,
       {"az://{container-name} (canonical)", "abfs://{container-name}[@{account}.dfs...]",
        "{container-name}"}},
      {"Azure Kubernetes Service (AKS) cluster",
       kAksResource,
       "🌀",
       "AKS clusters; clients receive a Kubernetes token connector from the cluster's user\n"
       "credentials (listClusterUserCredential).",
       tokens,
       true,
       {"{resource-group}/{cluster-name} (canonical)", "{cluster-name}",
        "/subscriptions/.../resourceGroups/{rg}/providers/Microsoft.ContainerService/"
        "managedClusters/{cluster-name}"}},
      {"Azure Container Registry (ACR)",
       kAcrResource,
       "🐳",
       "ACR registries; clients receive a docker connector with an ACR refresh token (user\n"
       "00000000-0000-0000-0000-000000000000) exchanged for the connector's Entra ID token.",
       tokens,
       true,
       {"{registry-name}.azurecr.io (canonical)", "[https://]{registry-name}.azurecr.io[/...]",
        "{registry-name}"}},
  };
  return s;
}

}  // namespace

ConnectorTypeSpec const& AzureSpec() {
  static ConnectorTypeSpec const spec = Build();
  return spec;
}

}  // namespace latchkey::azure
