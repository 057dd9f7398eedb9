#include "connectors/azure/azure_resource_ids.h"

#include <gtest/gtest.h>

#include "connectors/azure/azure_spec.h"
#include "core/registry.h"

namespace latchkey::azure {
namespace {

TEST(AzureResourceIds, BlobContainerForms) {
  for (std::string id : {"az://my-container", "abfs://my-container", "my-container",
                         "abfss://my-container@acct.dfs.core.windows.net/dir/file",
                         "az://my-container/some/path", " my-container "}) {
    auto c = CanonicalBlobContainerId(id, std::nullopt);
    ASSERT_TRUE(c) << id << ": " << c.error().message;
    EXPECT_EQ(*c, "az://my-container");
  }
  for (std::string id : std::vector<std::string>{"", "ab", "Upper", "-lead", "trail-", "a--b",
                                                 "az://", "s3://bucket", std::string(64, 'a')}) {
    EXPECT_FALSE(CanonicalBlobContainerId(id, std::nullopt)) << id;
  }
  EXPECT_EQ(ContainerName("az://c-1"), "c-1");
}

TEST(AzureResourceIds, AbfsNamingAnotherAccountIsRefused) {
  EXPECT_TRUE(CanonicalBlobContainerId("abfs://c1c@acct.dfs.core.windows.net", "acct"));
  auto other = CanonicalBlobContainerId("abfs://c1c@other.dfs.core.windows.net", "acct");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("'other'"), std::string::npos);
}

TEST(AzureResourceIds, AksClusterForms) {
  EXPECT_EQ(*CanonicalAksClusterId("rg-1/cluster", std::nullopt), "rg-1/cluster");
  EXPECT_EQ(*CanonicalAksClusterId("cluster", std::nullopt), "cluster");
  EXPECT_EQ(*CanonicalAksClusterId("cluster", std::string("rg")), "rg/cluster");
  EXPECT_EQ(*CanonicalAksClusterId("RG/cluster", std::string("rg")), "rg/cluster");
  EXPECT_EQ(*CanonicalAksClusterId("/subscriptions/00000000-0000-0000-0000-000000000001/"
                                   "resourceGroups/rg/providers/Microsoft.ContainerService/"
                                   "managedClusters/aks1",
                                   std::nullopt),
            "rg/aks1");
  EXPECT_FALSE(CanonicalAksClusterId("other/cluster", std::string("rg")));
  EXPECT_FALSE(CanonicalAksClusterId("has space", std::nullopt));
  // The configured group becomes part of the ID: one that is no group name is refused, so every
  // canonical ID parses back to itself (a fuzz finding: a control byte there was kept).
  EXPECT_FALSE(CanonicalAksClusterId("cluster", std::string("rg\x01")));
  EXPECT_FALSE(CanonicalAksClusterId("cluster", std::string("a/b")));
  auto ref = ParseAksClusterId("rg/c");
  EXPECT_EQ(ref.resource_group, "rg");
  EXPECT_EQ(ref.name, "c");
  EXPECT_FALSE(ParseAksClusterId("c").resource_group);
}

TEST(AzureResourceIds, AcrRegistryForms) {
  for (std::string id : {"myregistry", "myregistry.azurecr.io", "https://MyRegistry.azurecr.io",
                         "myregistry.azurecr.io/repo/image"}) {
    auto c = CanonicalAcrRegistryId(id);
    ASSERT_TRUE(c) << id;
    EXPECT_EQ(*c, "myregistry.azurecr.io");
  }
  // Other login servers stay hosts: sovereign clouds, and registries on an explicit port.
  EXPECT_EQ(*CanonicalAcrRegistryId("https://MyRegistry.azurecr.cn/x"), "myregistry.azurecr.cn");
  EXPECT_EQ(*CanonicalAcrRegistryId("http://127.0.0.1:5000"), "127.0.0.1:5000");
  EXPECT_FALSE(CanonicalAcrRegistryId("abc"));  // too short
  EXPECT_FALSE(CanonicalAcrRegistryId("docker.io"));
  EXPECT_FALSE(CanonicalAcrRegistryId("my-registry"));
  EXPECT_EQ(AcrRegistryName("myregistry.azurecr.io"), "myregistry");
}

TEST(AzureResourceIds, SubscriptionIsAUuid) {
  EXPECT_EQ(*CanonicalSubscriptionId("AAAAAAAA-0000-0000-0000-000000000001"),
            "aaaaaaaa-0000-0000-0000-000000000001");
  EXPECT_FALSE(CanonicalSubscriptionId("my subscription"));
}

TEST(AzureSpec, IsRegisteredWithItsMethodsAndTypes) {
  auto const* type = FindConnectorType("azure");
  ASSERT_NE(type, nullptr);
  auto const& spec = type->Spec();
  EXPECT_EQ(spec.AuthMethodNames(),
            (std::vector<std::string>{"implicit", "service-principal", "access-token",
                                      "storage-account-key", "sas-token"}));
  EXPECT_EQ(spec.ResourceTypeNames(),
            (std::vector<std::string>{"azure-generic", "blob-container", "kubernetes-cluster",
                                      "docker-registry"}));
  auto const* sp = spec.FindAuthMethod(kServicePrincipal);
  ASSERT_NE(sp, nullptr);
  EXPECT_TRUE(sp->FindField("client_secret")->secret);
  EXPECT_TRUE(sp->FindField("tenant_id")->required);
  auto const* key = spec.FindAuthMethod(kStorageAccountKey);
  EXPECT_TRUE(key->FindField("account_key")->secret);
  EXPECT_FALSE(key->FindField("blob_endpoint")->required);
  // Account keys reach blob storage only.
  auto const* aks = spec.FindResourceType(kAksResource);
  EXPECT_EQ(std::count(aks->auth_methods.begin(), aks->auth_methods.end(), kStorageAccountKey), 0);
}

}  // namespace
}  // namespace latchkey::azure
