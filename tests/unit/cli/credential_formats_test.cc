#include "cli/credential_formats.h"

#include <gtest/gtest.h>

namespace latchkey::cli {
namespace {

TimePoint At(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

Connector AwsClient(bool with_token) {
  Connector c;
  c.name = "aws-s3";
  c.connector_type = "aws";
  c.resource_types = {"s3-bucket"};
  c.secrets = {{"aws_access_key_id", "ASIAEXAMPLE"}, {"aws_secret_access_key", "secret-value"}};
  if (with_token) {
    c.secrets["aws_session_token"] = "token-value";
    c.expires_at = At(1780000000);
  }
  return c;
}

TEST(CredentialFormatsTest, AwsProcessDocumentHasVersionOneAndRfc3339Expiry) {
  auto doc = AwsProcessCredentials(AwsClient(true));
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(*doc, nlohmann::json::parse(R"({"Version":1,"AccessKeyId":"ASIAEXAMPLE",
      "SecretAccessKey":"secret-value","SessionToken":"token-value",
      "Expiration":"2026-05-28T20:26:40Z"})"));
}

TEST(CredentialFormatsTest, LongLivedKeysHaveNoTokenAndNoExpiration) {
  auto doc = AwsProcessCredentials(AwsClient(false));
  ASSERT_TRUE(doc);
  EXPECT_FALSE(doc->contains("SessionToken"));
  EXPECT_FALSE(doc->contains("Expiration"));
}

TEST(CredentialFormatsTest, ContainerDocumentAlwaysHasTokenAndExpiration) {
  auto doc = AwsContainerCredentials(AwsClient(true), At(1779990000), std::chrono::seconds(900));
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["Token"], "token-value");
  EXPECT_EQ((*doc)["Expiration"], "2026-05-28T20:26:40Z");
  EXPECT_FALSE(doc->contains("SessionToken"));
  auto keys = AwsContainerCredentials(AwsClient(false), At(1779990000), std::chrono::seconds(900));
  ASSERT_TRUE(keys);
  EXPECT_EQ((*keys)["Token"], "");
  EXPECT_EQ((*keys)["Expiration"], Rfc3339(At(1779990900)));
}

TEST(CredentialFormatsTest, WrongConnectorTypesAreRefusedWithoutSecrets) {
  Connector docker;
  docker.name = "reg";
  docker.connector_type = "docker";
  docker.resource_types = {"docker-registry"};
  docker.secrets = {{"username", "u"}, {"password", "p4ssw0rd-value"}};
  auto aws = AwsProcessCredentials(docker);
  ASSERT_FALSE(aws);
  EXPECT_NE(aws.error().message.find("docker docker-registry"), std::string::npos);
  EXPECT_EQ(aws.error().message.find("p4ssw0rd-value"), std::string::npos);
  EXPECT_FALSE(KubernetesExecCredential(docker));
  EXPECT_FALSE(DockerHelperCredentials(AwsClient(true), "host"));
}

Connector KubeClient(std::string const& method) {
  Connector c;
  c.name = "k";
  c.connector_type = "kubernetes";
  c.auth_method = method;
  c.resource_types = {"kubernetes-cluster"};
  c.configuration = {{"server", "https://127.0.0.1:6443"}, {"cluster_name", "fake"}};
  if (method == "token") {
    c.secrets = {{"token", "kube-token-value"}};
  } else {
    c.secrets = {{"username", "admin"}, {"password", "kube-password"}};
  }
  return c;
}

TEST(CredentialFormatsTest, ExecCredentialCarriesTheTokenAndExpiry) {
  Connector c = KubeClient("token");
  c.expires_at = At(1780000000);
  auto doc = KubernetesExecCredential(c);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["apiVersion"], "client.authentication.k8s.io/v1");
  EXPECT_EQ((*doc)["kind"], "ExecCredential");
  EXPECT_EQ((*doc)["status"]["token"], "kube-token-value");
  EXPECT_EQ((*doc)["status"]["expirationTimestamp"], "2026-05-28T20:26:40Z");
  auto basic = KubernetesExecCredential(KubeClient("password"));
  ASSERT_FALSE(basic);
  EXPECT_EQ(basic.error().message.find("kube-password"), std::string::npos);
}

TEST(CredentialFormatsTest, DockerHelperAnswerEchoesTheServerUrl) {
  Connector c;
  c.connector_type = "docker";
  c.secrets = {{"username", "AWS"}, {"password", "ecr-token"}};
  auto doc = DockerHelperCredentials(c, "https://123.dkr.ecr.us-east-1.amazonaws.com");
  ASSERT_TRUE(doc);
  EXPECT_EQ(*doc, nlohmann::json({{"ServerURL", "https://123.dkr.ecr.us-east-1.amazonaws.com"},
                                  {"Username", "AWS"},
                                  {"Secret", "ecr-token"}}));
}

}  // namespace
}  // namespace latchkey::cli
