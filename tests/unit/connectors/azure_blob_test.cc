// The blob-container resource type's use of `blob_ca_certificate`: every Blob call trusts that
// CA alone, the SAS client carries it on, and a value that is no certificate fails before any
// request. The Blob service is scripted (FakeHttpClient); Azurite proves the rest.
#include "connectors/azure/azure_blob.h"

#include <gtest/gtest.h>

#include "connectors/azure/azure_spec.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"

namespace latchkey::azure {
namespace {

using latchkey::testing::FakeHttpClient;

constexpr char kKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
// Shape only: the fake client never parses it, libcurl would.
constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

Connector AccountKey() {
  Connector c;
  c.connector_type = kConnectorType;
  c.auth_method = kStorageAccountKey;
  c.resource_types = {kBlobResource};
  c.configuration = {{field::kAccountName, "devstoreaccount1"},
                     {field::kBlobEndpoint, "https://127.0.0.1:10000/devstoreaccount1"}};
  c.secrets = {{field::kAccountKey, kKey}};
  return c;
}

class AzureBlob : public ::testing::Test {
 protected:
  FakeHttpClient http;
  Context ctx{http, *ParseTimestamp("2026-01-01T00:00:00Z"), Environment(), false};
};

TEST_F(AzureBlob, WithoutACaTheSystemTrustStoreIsUsed) {
  http.Enqueue(200, "<EnumerationResults><Containers/></EnumerationResults>");
  auto ids = VerifyBlobContainers(ctx, AccountKey(), std::nullopt);
  EXPECT_FALSE(ids);  // no containers: not found, but the call was made
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_FALSE(http.requests[0].tls.ca_pem);
}

TEST_F(AzureBlob, EveryCallTrustsTheConfiguredCaAndTheClientCarriesIt) {
  Connector c = AccountKey();
  // Base64 of the PEM, as kubeconfigs and portals hand it out, is accepted too.
  c.configuration[field::kBlobCaCertificate] = crypto::Base64Encode(kPem);
  http.Enqueue(200, "");  // Get Container Properties
  auto client = BlobContainerClient(ctx, c, "az://lk-a");
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.requests[0].tls.ca_pem, std::string(kPem) + "\n");
  EXPECT_EQ(client->configuration[field::kBlobCaCertificate], std::string(kPem) + "\n");
  EXPECT_EQ(client->auth_method, kSasToken);
}

TEST_F(AzureBlob, ACaThatIsNoCertificateFailsBeforeAnyRequest) {
  Connector c = AccountKey();
  c.configuration[field::kBlobCaCertificate] = "not a certificate";
  auto ids = VerifyBlobContainers(ctx, c, std::nullopt);
  ASSERT_FALSE(ids);
  EXPECT_NE(ids.error().message.find("blob_ca_certificate"), std::string::npos);
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace latchkey::azure
