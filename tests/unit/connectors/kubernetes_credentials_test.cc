#include "connectors/kubernetes/kubernetes_credentials.h"

#include <gtest/gtest.h>

#include "connectors/kubernetes_test_pems.h"
#include "crypto/encoding.h"

namespace latchkey {
namespace {

using testing::kCaPem;
using testing::kCertPem;
using testing::kKeyPem;

Connector TokenConnector() {
  Connector c;
  c.connector_type = "kubernetes";
  c.auth_method = "token";
  c.configuration = {
      {"server", "https://k8s.example:6443/"}, {"cluster_name", "prod"}, {"insecure", false}};
  return c;
}

TEST(KubernetesCredentialsTest, NormalizePemAcceptsPemAndBase64) {
  auto pem = NormalizePem(kCaPem, "certificate_authority");
  ASSERT_TRUE(pem.has_value());
  EXPECT_EQ(*pem, kCaPem);

  auto decoded = NormalizePem(crypto::Base64Encode(kCaPem), "certificate_authority");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, kCaPem);

  auto bad = NormalizePem("not-a-certificate-SECRETISH", "certificate_authority");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("certificate_authority"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("SECRETISH"), std::string::npos);
}

TEST(KubernetesCredentialsTest, TokenMethod) {
  Connector c = TokenConnector();
  c.secrets["token"] = "abc.def";
  c.secrets["certificate_authority"] = crypto::Base64Encode(kCaPem);
  auto creds = KubernetesCredentialsFromConnector(c);
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->server, "https://k8s.example:6443");
  EXPECT_EQ(creds->cluster_name, "prod");
  EXPECT_EQ(creds->token, "abc.def");
  EXPECT_EQ(creds->ca_pem, kCaPem);
  EXPECT_FALSE(creds->insecure);
  EXPECT_EQ(creds->AuthMethod(), "token");
}

TEST(KubernetesCredentialsTest, InsecureAcceptsStringsAndBools) {
  Connector c = TokenConnector();
  c.secrets["token"] = "t";
  c.configuration["insecure"] = true;
  EXPECT_TRUE(KubernetesCredentialsFromConnector(c)->insecure);
  c.configuration["insecure"] = "true";
  EXPECT_TRUE(KubernetesCredentialsFromConnector(c)->insecure);
}

TEST(KubernetesCredentialsTest, TokenMethodNeedsACredential) {
  Connector c = TokenConnector();
  c.secrets["token"] = "";
  auto none = KubernetesCredentialsFromConnector(c);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(none.error().message.find("'token'"), std::string::npos);
}

TEST(KubernetesCredentialsTest, CertificateNeedsItsKeyAndViceVersa) {
  Connector c = TokenConnector();
  c.secrets["client_certificate"] = kCertPem;
  auto no_key = KubernetesCredentialsFromConnector(c);
  ASSERT_FALSE(no_key.has_value());
  EXPECT_NE(no_key.error().message.find("client_key"), std::string::npos);

  c.secrets.erase("client_certificate");
  c.secrets["client_key"] = kKeyPem;
  auto no_cert = KubernetesCredentialsFromConnector(c);
  ASSERT_FALSE(no_cert.has_value());
  EXPECT_NE(no_cert.error().message.find("client_certificate"), std::string::npos);
  EXPECT_EQ(no_cert.error().message.find("SECRETKEY"), std::string::npos);

  c.secrets["client_certificate"] = crypto::Base64Encode(kCertPem);
  auto pair = KubernetesCredentialsFromConnector(c);
  ASSERT_TRUE(pair.has_value()) << pair.error().message;
  EXPECT_EQ(pair->client_cert_pem, kCertPem);
  EXPECT_EQ(pair->client_key_pem, kKeyPem);
  EXPECT_FALSE(pair->token.has_value());
}

TEST(KubernetesCredentialsTest, PasswordMethodNeedsBoth) {
  Connector c = TokenConnector();
  c.auth_method = "password";
  c.secrets["username"] = "admin";
  auto missing = KubernetesCredentialsFromConnector(c);
  ASSERT_FALSE(missing.has_value());
  c.secrets["password"] = "hunter2";
  c.secrets["token"] = "ignored";  // a stale field of the other method
  auto creds = KubernetesCredentialsFromConnector(c);
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->username, "admin");
  EXPECT_FALSE(creds->token.has_value());
  EXPECT_EQ(creds->AuthMethod(), "password");
}

TEST(KubernetesCredentialsTest, RequiredFieldsAndServerShape) {
  Connector c = TokenConnector();
  c.secrets["token"] = "t";
  c.configuration["server"] = "k8s.example:6443";
  EXPECT_FALSE(KubernetesCredentialsFromConnector(c).has_value());
  c.configuration.erase("server");
  EXPECT_FALSE(KubernetesCredentialsFromConnector(c).has_value());
  c = TokenConnector();
  c.secrets["token"] = "t";
  c.configuration.erase("cluster_name");
  EXPECT_FALSE(KubernetesCredentialsFromConnector(c).has_value());
  c = TokenConnector();
  c.secrets["token"] = "t";
  c.auth_method = "iam-role";
  EXPECT_FALSE(KubernetesCredentialsFromConnector(c).has_value());
  c.auth_method = "token";
  c.connector_type = "docker";
  EXPECT_FALSE(KubernetesCredentialsFromConnector(c).has_value());
}

TEST(KubernetesCredentialsTest, ConnectorFromCredentialsSplitsSecrets) {
  KubernetesCredentials creds;
  creds.server = "https://eks.example";
  creds.cluster_name = "arn:aws:eks:us-east-1:123:cluster/x";
  creds.ca_pem = kCaPem;
  creds.token = "k8s-aws-v1.abc";
  Connector c = KubernetesConnectorFromCredentials(creds);
  EXPECT_EQ(c.connector_type, "kubernetes");
  EXPECT_EQ(c.auth_method, "token");
  EXPECT_EQ(c.resource_types, (std::vector<std::string>{"kubernetes-cluster"}));
  EXPECT_EQ(c.resource_id, creds.cluster_name);
  EXPECT_EQ(c.configuration["server"], "https://eks.example");
  EXPECT_EQ(c.configuration["insecure"], false);
  EXPECT_TRUE(c.configuration["insecure"].is_boolean());
  EXPECT_EQ(c.configuration["cluster_name"], creds.cluster_name);
  EXPECT_FALSE(c.configuration.contains("token"));
  EXPECT_EQ(c.secrets.at("token"), "k8s-aws-v1.abc");
  EXPECT_EQ(c.secrets.at("certificate_authority"), kCaPem);

  auto round_trip = KubernetesCredentialsFromConnector(c);
  ASSERT_TRUE(round_trip.has_value()) << round_trip.error().message;
  EXPECT_EQ(round_trip->token, creds.token);
  EXPECT_EQ(round_trip->ca_pem, creds.ca_pem);
}

// Found by fuzz_kubeconfig: a token with control characters was written into the kubeconfig
// and read back as another value.
TEST(KubernetesCredentialsTest, ControlCharactersAreRefused) {
  Connector c = TokenConnector();
  c.secrets["token"] =
      "abc\x01"
      "def";
  auto creds = KubernetesCredentialsFromConnector(c);
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(creds.error().message.find("'token'"), std::string::npos);
  EXPECT_EQ(creds.error().message.find("abc"), std::string::npos);
}

}  // namespace
}  // namespace latchkey
