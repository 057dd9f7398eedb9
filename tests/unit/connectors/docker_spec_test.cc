#include "connectors/docker/docker_spec.h"

#include <gtest/gtest.h>

#include "connectors/docker/docker_connector.h"
#include "core/connector_validation.h"
#include "core/registry.h"

namespace latchkey {
namespace {

TEST(DockerSpecTest, TypeLevelFields) {
  auto type = MakeDockerConnectorType();
  ConnectorTypeSpec const& spec = type->Spec();
  EXPECT_EQ(spec.connector_type, "docker");
  EXPECT_EQ(spec.name, "Docker Service Connector");
  EXPECT_EQ(spec.emoji, "🐳");
  EXPECT_TRUE(spec.supports_auto_configuration);
  EXPECT_TRUE(spec.local);
  EXPECT_TRUE(spec.remote);
  EXPECT_NE(spec.description.find('\n'), std::string::npos);
  EXPECT_EQ(spec.AuthMethodNames(), std::vector<std::string>{"password"});
  EXPECT_EQ(spec.ResourceTypeNames(), std::vector<std::string>{"docker-registry"});
}

TEST(DockerSpecTest, PasswordMethodFields) {
  auto type = MakeDockerConnectorType();
  AuthMethodSpec const* auth = type->Spec().FindAuthMethod("password");
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->name, "Docker username and password/token");
  EXPECT_FALSE(auth->SupportsTemporaryCredentials());
  EXPECT_FALSE(auth->description.empty());
  ASSERT_EQ(auth->fields.size(), 3u);

  ConfigField const* username = auth->FindField("username");
  ASSERT_NE(username, nullptr);
  EXPECT_EQ(username->type, FieldType::kString);
  EXPECT_TRUE(username->secret);
  EXPECT_TRUE(username->required);

  ConfigField const* password = auth->FindField("password");
  ASSERT_NE(password, nullptr);
  EXPECT_TRUE(password->secret);
  EXPECT_TRUE(password->required);

  ConfigField const* registry = auth->FindField("registry");
  ASSERT_NE(registry, nullptr);
  EXPECT_EQ(registry->type, FieldType::kString);
  EXPECT_FALSE(registry->secret);
  EXPECT_FALSE(registry->required);
  EXPECT_FALSE(registry->default_value.has_value());
  EXPECT_EQ(registry->title, "Registry server URL. Omit to use DockerHub.");
}

TEST(DockerSpecTest, RegistryResourceType) {
  auto type = MakeDockerConnectorType();
  ResourceTypeSpec const* rt = type->Spec().FindResourceType("docker-registry");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->name, "Docker/OCI container registry");
  EXPECT_EQ(rt->emoji, "🐳");
  EXPECT_FALSE(rt->supports_instances);
  EXPECT_EQ(rt->auth_methods, std::vector<std::string>{"password"});
  ASSERT_GE(rt->id_forms.size(), 4u);
  EXPECT_NE(rt->id_forms[0].find("{hostname}[:{port}]"), std::string::npos);
  EXPECT_FALSE(rt->description.empty());
}

TEST(DockerSpecTest, RegisteredInTheCatalogue) {
  ConnectorType const* type = FindConnectorType("docker");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->Spec().connector_type, "docker");
}

Connector Unnormalised() {
  Connector c;
  c.auth_method = "password";
  return c;
}

TEST(DockerSpecTest, NormalizeSplitsSecretsAndDerivesTheDefaultId) {
  auto type = MakeDockerConnectorType();
  Connector c = Unnormalised();
  RawValues values = {{"username", "alice"},
                      {"password", "s3cret"},
                      {"registry", "https://Registry.Example.com:5000/team"}};
  auto ok = NormalizeConnector(*type, c, values);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(c.resource_types, std::vector<std::string>{"docker-registry"});
  EXPECT_EQ(c.resource_id, "registry.example.com:5000");
  EXPECT_EQ(c.secrets.at("username"), "alice");
  EXPECT_EQ(c.secrets.at("password"), "s3cret");
  EXPECT_EQ(c.configuration.at("registry"), "https://Registry.Example.com:5000/team");
  EXPECT_FALSE(c.configuration.contains("password"));
}

TEST(DockerSpecTest, NormalizeDefaultsToDockerHubAndChecksTheGivenId) {
  auto type = MakeDockerConnectorType();
  Connector hub = Unnormalised();
  hub.resource_id = "https://index.docker.io/v1/";
  ASSERT_TRUE(NormalizeConnector(*type, hub, {{"username", "u"}, {"password", "p"}}).has_value());
  EXPECT_EQ(hub.resource_id, "docker.io");

  Connector other = Unnormalised();
  other.resource_id = "ghcr.io";
  auto refused = NormalizeConnector(*type, other, {{"username", "u"}, {"password", "p"}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);

  Connector bad = Unnormalised();
  auto bad_registry = NormalizeConnector(
      *type, bad, {{"username", "u"}, {"password", "p"}, {"registry", "not a registry"}});
  ASSERT_FALSE(bad_registry.has_value());
  EXPECT_NE(bad_registry.error().message.find("accepted forms"), std::string::npos);
}

TEST(DockerSpecTest, CanonicalAndDefaultIdsRefuseOtherResourceTypes) {
  auto type = MakeDockerConnectorType();
  Connector c;
  EXPECT_FALSE(type->CanonicalResourceId(c, "s3-bucket", "docker.io").has_value());
  EXPECT_FALSE(type->DefaultResourceId(c, "s3-bucket").has_value());
  EXPECT_EQ(type->DefaultResourceId(c, "docker-registry").value(), "docker.io");
  EXPECT_EQ(type->CanonicalResourceId(c, "docker-registry", "index.docker.io/v1/x").value(),
            "docker.io");
}

}  // namespace
}  // namespace latchkey
