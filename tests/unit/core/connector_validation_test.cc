#include "core/connector_validation.h"

#include <gtest/gtest.h>

#include "core/connector_ops.h"
#include "fake_http_client.h"

namespace latchkey {
namespace {

// A connector type defined by the test alone, so validation is tested apart from real providers.
class TestType : public ConnectorType {
 public:
  TestType() {
    spec_.connector_type = "test";
    spec_.auth_methods = {
        {"Key",
         "key",
         "",
         {{"user", FieldType::kString, false, true, {}, "User"},
          {"key", FieldType::kString, true, true, {}, "Key"},
          {"insecure", FieldType::kBoolean, false, false, "false", "Skip TLS"},
          {"regions", FieldType::kList, false, false, {}, "Regions"}},
         {},
         {},
         {}},
        {"Temp",
         "temp",
         "",
         {{"key", FieldType::kString, true, true, {}, "Key"}},
         900,
         3600,
         43200},
    };
    spec_.resource_types = {
        {"Bucket", "bucket", "📦", "", {"key", "temp"}, true, {"b://{name}"}},
        {"Cluster", "cluster", "🌀", "", {"key"}, false, {"{name}"}},
    };
  }
  ConnectorTypeSpec const& Spec() const override { return spec_; }
  Result<std::string> CanonicalResourceId(Connector const&, std::string const& rt,
                                          std::string const& id) const override {
    if (rt == "bucket") return id.rfind("b://", 0) == 0 ? id : "b://" + id;
    return id;
  }
  Result<std::string> DefaultResourceId(Connector const& c, std::string const&) const override {
    return c.Value("user").value_or("none") + "-cluster";
  }
  Result<std::vector<std::string>> Verify(Context&, Connector const& c, OptString const& rt,
                                          OptString const& rid) const override {
    if (c.Value("key") != "good") return Fail(ErrorCode::kUnauthenticated, "bad key");
    if (!rt) return std::vector<std::string>{};
    if (*rt == "bucket") {
      if (rid) return std::vector<std::string>{*rid};
      return std::vector<std::string>{"b://one", "b://two"};
    }
    return std::vector<std::string>{*rid};
  }

 private:
  ConnectorTypeSpec spec_;
};

Connector Draft(std::string method = "key") {
  Connector c;
  c.name = "c1";
  c.auth_method = std::move(method);
  return c;
}

TEST(NormalizeConnector, SplitsSecretsAndConvertsTypes) {
  TestType t;
  Connector c = Draft();
  ASSERT_TRUE(NormalizeConnector(
      t, c, {{"user", "u"}, {"key", "k"}, {"insecure", "yes"}, {"regions", "a, b"}}));
  EXPECT_EQ(c.secrets.at("key"), "k");
  EXPECT_FALSE(c.configuration.contains("key"));
  EXPECT_EQ(c.configuration["insecure"], true);
  EXPECT_EQ(c.configuration["regions"], nlohmann::json({"a", "b"}));
  EXPECT_EQ(c.resource_types, (std::vector<std::string>{"bucket", "cluster"}));
  EXPECT_FALSE(c.supports_instances);
}

TEST(NormalizeConnector, AppliesDefaults) {
  TestType t;
  Connector c = Draft();
  ASSERT_TRUE(NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}}));
  EXPECT_EQ(c.configuration["insecure"], false);
}

TEST(NormalizeConnector, RefusesUnknownAndMissingFieldsByName) {
  TestType t;
  Connector c = Draft();
  auto r = NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}, {"colour", "red"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown attribute 'colour'"), std::string::npos);
  EXPECT_NE(r.error().message.find("user, key, insecure, regions"), std::string::npos);
  c = Draft();
  r = NormalizeConnector(t, c, {{"user", "u"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("missing required attribute 'key'"), std::string::npos);
}

TEST(NormalizeConnector, NeverEchoesMalformedSecretValues) {
  TestType t;
  Connector c = Draft();
  auto r = NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}, {"insecure", "s3cr3t-ish"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("boolean"), std::string::npos);
}

TEST(NormalizeConnector, ChecksExpirationBounds) {
  TestType t;
  Connector c = Draft("temp");
  ASSERT_TRUE(NormalizeConnector(t, c, {{"key", "k"}}));
  EXPECT_EQ(c.expiration_seconds, 3600);
  EXPECT_EQ(c.resource_types, std::vector<std::string>{"bucket"});
  c = Draft("temp");
  c.expiration_seconds = 100;
  EXPECT_FALSE(NormalizeConnector(t, c, {{"key", "k"}}));
  c = Draft("key");
  c.expiration_seconds = 1000;
  EXPECT_FALSE(NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}}));
}

TEST(NormalizeConnector, ResourceTypeMustAcceptMethod) {
  TestType t;
  Connector c = Draft("temp");
  c.resource_types = {"cluster"};
  EXPECT_FALSE(NormalizeConnector(t, c, {{"key", "k"}}));
  c = Draft();
  c.resource_types = {"nope"};
  EXPECT_FALSE(NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}}));
}

TEST(NormalizeConnector, CanonicalisesAndDerivesResourceIds) {
  TestType t;
  Connector c = Draft();
  c.resource_types = {"bucket"};
  c.resource_id = "one";
  ASSERT_TRUE(NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}}));
  EXPECT_EQ(c.resource_id, "b://one");
  EXPECT_TRUE(c.supports_instances);
  c = Draft();
  c.resource_types = {"cluster"};
  ASSERT_TRUE(NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}}));
  EXPECT_EQ(c.resource_id, "u-cluster");
  c = Draft();
  c.resource_types = {"cluster"};
  c.resource_id = "other";
  EXPECT_FALSE(NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}}));
  c = Draft();
  c.resource_id = "one";  // several types: an ID is ambiguous
  EXPECT_FALSE(NormalizeConnector(t, c, {{"user", "u"}, {"key", "k"}}));
}

class ConnectorOpsTest : public ::testing::Test {
 protected:
  testing::FakeHttpClient http;
  Context ctx{http, *ParseTimestamp("2026-01-01 00:00:00"), Environment(), false};
  TestType type;

  Connector Make(std::string key) {
    Connector c = Draft();
    EXPECT_TRUE(NormalizeConnector(type, c, {{"user", "u"}, {"key", key}}));
    return c;
  }
};

TEST_F(ConnectorOpsTest, VerifyListsEveryType) {
  auto report = VerifyConnector(ctx, type, Make("good"), std::nullopt, std::nullopt);
  EXPECT_FALSE(report.error);
  ASSERT_EQ(report.resources.size(), 2u);
  EXPECT_EQ(*report.resources[0].resource_ids, (std::vector<std::string>{"b://one", "b://two"}));
  EXPECT_EQ(*report.resources[1].resource_ids, std::vector<std::string>{"u-cluster"});
}

TEST_F(ConnectorOpsTest, GlobalFailureMarksEveryType) {
  auto report = VerifyConnector(ctx, type, Make("bad"), std::nullopt, std::nullopt);
  ASSERT_TRUE(report.error);
  for (auto const& r : report.resources) {
    EXPECT_TRUE(r.error);
    EXPECT_FALSE(r.resource_ids);
  }
}

TEST_F(ConnectorOpsTest, ExpiredConnectorsAreRefused) {
  Connector c = Make("good");
  c.expires_at = ctx.now + std::chrono::seconds(60);
  EXPECT_TRUE(VerifyConnector(ctx, type, c, std::nullopt, std::nullopt).error);
  EXPECT_FALSE(GetConnectorClient(ctx, type, c, "bucket", "one"));
}

TEST_F(ConnectorOpsTest, ClientNeedsTypeAndIdForMultiConnectors) {
  Connector c = Make("good");
  EXPECT_FALSE(GetConnectorClient(ctx, type, c, std::nullopt, std::nullopt));
  EXPECT_FALSE(GetConnectorClient(ctx, type, c, "bucket", std::nullopt));
  auto client = GetConnectorClient(ctx, type, c, "bucket", "one");
  ASSERT_TRUE(client);
  EXPECT_EQ(client->resource_id, "b://one");
  EXPECT_EQ(client->name, "c1 (bucket | b://one client)");
  auto cluster = GetConnectorClient(ctx, type, c, "cluster", std::nullopt);
  ASSERT_TRUE(cluster);
  EXPECT_EQ(cluster->resource_id, "u-cluster");
}

// A type whose one cluster is only known by asking the provider (like an account's ECR registry).
class DiscoveringType : public TestType {
 public:
  Result<std::string> DefaultResourceId(Connector const&, std::string const&) const override {
    return Fail(ErrorCode::kFailedPrecondition, "discovered at verification");
  }
  Result<std::vector<std::string>> Verify(Context&, Connector const&, OptString const& rt,
                                          OptString const& rid) const override {
    ++verify_calls;
    if (rt && *rt == "cluster") return std::vector<std::string>{rid.value_or("found-cluster")};
    return std::vector<std::string>{};
  }
  mutable int verify_calls = 0;
};

TEST_F(ConnectorOpsTest, DiscoveredResourceIsVerifiedOnce) {
  DiscoveringType discovering;
  Connector c = Draft();
  c.resource_types = {"cluster"};
  ASSERT_TRUE(NormalizeConnector(discovering, c, {{"user", "u"}, {"key", "good"}}));
  EXPECT_FALSE(c.resource_id) << "left for verification to discover";
  auto client = GetConnectorClient(ctx, discovering, c, std::nullopt, std::nullopt);
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->resource_id, "found-cluster");
  EXPECT_EQ(discovering.verify_calls, 1);
  c.expires_at = ctx.now;
  EXPECT_NE(GetConnectorClient(ctx, discovering, c, std::nullopt, std::nullopt)
                .error()
                .message.find("expired"),
            std::string::npos);
  EXPECT_EQ(discovering.verify_calls, 1) << "an expired connector is refused before any call";
}

}  // namespace
}  // namespace latchkey
