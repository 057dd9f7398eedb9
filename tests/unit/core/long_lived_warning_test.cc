// Issue 17: register, update and login warn when clients receive the connector's long-lived
// keys. Which methods do comes from the specs' LongLivedClients, checked here per type.
#include "core/long_lived_warning.h"

#include <gtest/gtest.h>

#include "core/registry.h"

namespace latchkey {
namespace {

Connector Make(std::string type, std::string method, nlohmann::json configuration = {}) {
  Connector c;
  c.name = "conn";
  c.connector_type = std::move(type);
  c.auth_method = std::move(method);
  c.configuration = configuration.is_null() ? nlohmann::json::object() : configuration;
  return c;
}

TEST(LongLivedWarning, AwsSecretKeyWarnsAndNamesTheMethodsToUseInstead) {
  auto w = LongLivedClientWarning(Make("aws", "secret-key"));
  ASSERT_TRUE(w);
  EXPECT_NE(w->find("'conn'"), std::string::npos) << *w;
  EXPECT_NE(w->find("aws secret-key"), std::string::npos) << *w;
  EXPECT_NE(w->find("session-token"), std::string::npos) << *w;
  EXPECT_NE(w->find("iam-role"), std::string::npos) << *w;
  for (char const* method : {"session-token", "federation-token", "iam-role", "sts-token"}) {
    EXPECT_FALSE(LongLivedClientWarning(Make("aws", method))) << method;
  }
}

TEST(LongLivedWarning, GcpWarnsOnlyWithoutTemporaryTokens) {
  for (char const* method : {"service-account", "user-account"}) {
    EXPECT_FALSE(LongLivedClientWarning(Make("gcp", method))) << "default is true: " << method;
    EXPECT_FALSE(
        LongLivedClientWarning(Make("gcp", method, {{"generate_temporary_tokens", true}})));
    auto w = LongLivedClientWarning(Make("gcp", method, {{"generate_temporary_tokens", false}}));
    ASSERT_TRUE(w) << method;
    EXPECT_NE(w->find("generate_temporary_tokens"), std::string::npos) << *w;
    EXPECT_TRUE(
        LongLivedClientWarning(Make("gcp", method, {{"generate_temporary_tokens", "false"}})));
  }
  EXPECT_FALSE(
      LongLivedClientWarning(Make("gcp", "impersonation", {{"generate_temporary_tokens", false}})));
}

TEST(LongLivedWarning, TypesThatIssueTemporaryCredentialsDoNotWarn) {
  // Azure gives clients tokens or a container SAS, never the account key or client secret.
  for (char const* method : {"service-principal", "access-token", "storage-account-key"}) {
    EXPECT_FALSE(LongLivedClientWarning(Make("azure", method))) << method;
  }
  EXPECT_FALSE(LongLivedClientWarning(Make("nonexistent", "secret-key")));
  EXPECT_FALSE(LongLivedClientWarning(Make("aws", "no-such-method")));
}

TEST(LongLivedWarning, TheConnectorNameIsInert) {
  Connector c = Make("aws", "secret-key");
  c.name = "evil\x1b[2J";
  auto w = LongLivedClientWarning(c);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->find('\x1b'), std::string::npos);
  EXPECT_NE(w->find("evil\\x1b[2J"), std::string::npos);
}

}  // namespace
}  // namespace latchkey
