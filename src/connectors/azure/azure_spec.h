// The catalogue entry of the `azure` connector type: five auth methods (four to register, plus
// the `sas-token` form its blob-container clients take), four resource types.
#pragma once

#include "core/spec.h"

namespace latchkey::azure {

inline constexpr char kConnectorType[] = "azure";
inline constexpr char kGenericResource[] = "azure-generic";
inline constexpr char kBlobResource[] = "blob-container";
inline constexpr char kAksResource[] = "kubernetes-cluster";
inline constexpr char kAcrResource[] = "docker-registry";

inline constexpr char kImplicit[] = "implicit";
inline constexpr char kServicePrincipal[] = "service-principal";
inline constexpr char kAccessToken[] = "access-token";
inline constexpr char kStorageAccountKey[] = "storage-account-key";
inline constexpr char kSasToken[] = "sas-token";

// Field names shared by the spec, the credential code and the client connectors.
namespace field {
inline constexpr char kSubscriptionId[] = "subscription_id";
inline constexpr char kTenantId[] = "tenant_id";
inline constexpr char kResourceGroup[] = "resource_group";
inline constexpr char kStorageAccount[] = "storage_account";
inline constexpr char kClientId[] = "client_id";
inline constexpr char kClientSecret[] = "client_secret";
inline constexpr char kToken[] = "token";
inline constexpr char kAccountName[] = "account_name";
inline constexpr char kAccountKey[] = "account_key";
inline constexpr char kSasToken[] = "sas_token";
inline constexpr char kBlobEndpoint[] = "blob_endpoint";
inline constexpr char kBlobCaCertificate[] = "blob_ca_certificate";
inline constexpr char kSasPermissions[] = "sas_permissions";
inline constexpr char kAuthorityHost[] = "authority_host";
inline constexpr char kManagementEndpoint[] = "management_endpoint";
inline constexpr char kStorageSuffix[] = "storage_endpoint_suffix";
}  // namespace field

ConnectorTypeSpec const& AzureSpec();

}  // namespace latchkey::azure
