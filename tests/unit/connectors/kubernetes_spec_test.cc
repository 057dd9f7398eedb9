#include "connectors/kubernetes/kubernetes_spec.h"

#include <gtest/gtest.h>

#include "connectors/kubernetes/kubernetes_connector.h"
#include "fake_http_client.h"

namespace latchkey {
namespace {

ConfigField const& Field(AuthMethodSpec const& method, std::string const& name) {
  auto const* field = method.FindField(name);
  EXPECT_NE(field, nullptr) << name;
  static ConfigField const kMissing{};
  return field ? *field : kMissing;
}

TEST(KubernetesSpecTest, TypeLevelEntry) {
  auto type = MakeKubernetesConnectorType();
  ConnectorTypeSpec const& spec = type->Spec();
  EXPECT_EQ(spec.connector_type, "kubernetes");
  EXPECT_EQ(spec.name, "Kubernetes Service Connector");
  EXPECT_EQ(spec.emoji, "🌀");
  EXPECT_TRUE(spec.supports_auto_configuration);
  EXPECT_TRUE(spec.local);
  EXPECT_TRUE(spec.remote);
  EXPECT_NE(spec.description.find('\n'), std::string::npos);
  EXPECT_EQ(spec.AuthMethodNames(), (std::vector<std::string>{"password", "token"}));
  EXPECT_EQ(spec.ResourceTypeNames(), (std::vector<std::string>{"kubernetes-cluster"}));
}

TEST(KubernetesSpecTest, ClusterResourceType) {
  ConnectorTypeSpec spec = MakeKubernetesConnectorSpec();
  auto const* cluster = spec.FindResourceType("kubernetes-cluster");
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->name, "Kubernetes cluster");
  EXPECT_EQ(cluster->emoji, "🌀");
  EXPECT_FALSE(cluster->supports_instances);
  EXPECT_EQ(cluster->id_forms, (std::vector<std::string>{"{cluster-name}"}));
  EXPECT_EQ(cluster->auth_methods, (std::vector<std::string>{"password", "token"}));
  EXPECT_FALSE(cluster->description.empty());
}

TEST(KubernetesSpecTest, CommonFieldsOnBothMethods) {
  ConnectorTypeSpec spec = MakeKubernetesConnectorSpec();
  for (auto const& method : spec.auth_methods) {
    SCOPED_TRACE(method.auth_method);
    EXPECT_FALSE(method.SupportsTemporaryCredentials());
    EXPECT_FALSE(method.description.empty());

    ConfigField const& server = Field(method, "server");
    EXPECT_EQ(server.type, FieldType::kString);
    EXPECT_TRUE(server.required);
    EXPECT_FALSE(server.secret);
    EXPECT_EQ(server.title, "Kubernetes API server URL");

    ConfigField const& insecure = Field(method, "insecure");
    EXPECT_EQ(insecure.type, FieldType::kBoolean);
    EXPECT_FALSE(insecure.required);
    EXPECT_FALSE(insecure.secret);
    EXPECT_EQ(insecure.default_value, "false");

    ConfigField const& cluster = Field(method, "cluster_name");
    EXPECT_TRUE(cluster.required);
    EXPECT_FALSE(cluster.secret);

    ConfigField const& ca = Field(method, "certificate_authority");
    EXPECT_TRUE(ca.secret);
    EXPECT_FALSE(ca.required);
  }
}

TEST(KubernetesSpecTest, PasswordMethodFields) {
  ConnectorTypeSpec spec = MakeKubernetesConnectorSpec();
  auto const* method = spec.FindAuthMethod("password");
  ASSERT_NE(method, nullptr);
  EXPECT_EQ(method->fields.size(), 6u);
  for (auto const* name : {"username", "password"}) {
    ConfigField const& f = Field(*method, name);
    EXPECT_TRUE(f.secret) << name;
    EXPECT_TRUE(f.required) << name;
  }
  EXPECT_EQ(method->FindField("token"), nullptr);
}

TEST(KubernetesSpecTest, TokenMethodFields) {
  ConnectorTypeSpec spec = MakeKubernetesConnectorSpec();
  auto const* method = spec.FindAuthMethod("token");
  ASSERT_NE(method, nullptr);
  EXPECT_EQ(method->fields.size(), 7u);
  for (auto const* name : {"client_certificate", "client_key", "token"}) {
    ConfigField const& f = Field(*method, name);
    EXPECT_TRUE(f.secret) << name;
    EXPECT_FALSE(f.required) << name;
  }
  EXPECT_EQ(method->FindField("username"), nullptr);
  EXPECT_FALSE(method->ValidateExpiration(3600).has_value());
}

TEST(KubernetesSpecTest, ResourceIdIsTheClusterName) {
  auto type = MakeKubernetesConnectorType();
  Connector c;
  c.connector_type = "kubernetes";
  c.auth_method = "token";
  c.configuration = {{"server", "https://k8s.example:6443"}, {"cluster_name", "prod"}};

  auto id = type->DefaultResourceId(c, "kubernetes-cluster");
  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ(*id, "prod");

  auto same = type->CanonicalResourceId(c, "kubernetes-cluster", "prod");
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(*same, "prod");

  auto other = type->CanonicalResourceId(c, "kubernetes-cluster", "staging");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(other.error().message.find("staging"), std::string::npos);

  EXPECT_FALSE(type->DefaultResourceId(c, "docker-registry").has_value());
  c.configuration.erase("cluster_name");
  EXPECT_FALSE(type->DefaultResourceId(c, "kubernetes-cluster").has_value());
}

TEST(KubernetesSpecTest, ClientIsACopyForTheCluster) {
  auto type = MakeKubernetesConnectorType();
  testing::FakeHttpClient http;
  Context ctx{http, Now(), Environment{}};
  Connector c;
  c.connector_type = "kubernetes";
  c.auth_method = "token";
  c.configuration = {{"server", "https://k8s.example:6443"}, {"cluster_name", "prod"}};
  c.secrets["token"] = "tok";
  auto client = type->Client(ctx, c, "kubernetes-cluster", "prod");
  ASSERT_TRUE(client.has_value());
  EXPECT_EQ(client->secrets, c.secrets);
  EXPECT_EQ(client->resource_id, "prod");
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace latchkey
