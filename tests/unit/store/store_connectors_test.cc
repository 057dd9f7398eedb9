// Conformance: connectors, their own secrets, lookups, filters and versioned updates.
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

TEST_P(StoreTest, CreateFindListDelete) {
  Connector c = MakeConnector("reg");
  auto secret = MakeInternalSecret(crypto::NewUuid());
  c.secret_id = secret.id;
  ASSERT_TRUE(store_->CreateConnector(c, secret));
  auto found = store_->FindConnector("reg");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, c.id);
  EXPECT_EQ(found->configuration, c.configuration);
  EXPECT_EQ(found->version, 1) << "a new connector is version 1";
  EXPECT_EQ(found->secrets.size(), 2u);  // key names only
  EXPECT_EQ(found->secrets.at("password"), "");
  EXPECT_TRUE(store_->FindConnector(c.id));
  EXPECT_TRUE(store_->FindConnector(c.id.substr(0, 6)));
  auto missing = store_->FindConnector("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "no service connector named or with ID 'nope'");

  ConnectorFilter f;
  f.labels = {{"team", std::string("ml")}};
  EXPECT_EQ(store_->ListConnectors(f)->size(), 1u);
  f.labels = {{"team", std::string("web")}};
  EXPECT_EQ(store_->ListConnectors(f)->size(), 0u);
  f = {};
  f.resource_type = "kubernetes-cluster";
  EXPECT_EQ(store_->ListConnectors(f)->size(), 0u);
  f = {};
  f.connector_type = "docker";
  f.resource_id = "docker.io";
  EXPECT_EQ(store_->ListConnectors(f)->size(), 1u);

  ASSERT_TRUE(store_->DeleteConnector(c.id));
  EXPECT_FALSE(store_->GetSecretById(secret.id));  // the connector's secret goes with it
  EXPECT_EQ(store_->DeleteConnector(c.id).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, EveryFieldRoundTrips) {
  Connector c = MakeConnector("full");
  c.resource_types = {"docker-registry", "kubernetes-cluster"};
  c.resource_id.reset();
  c.supports_instances = true;
  c.configuration = {{"region", "eu-west-1"}, {"port", 5000}, {"insecure", true}};
  c.labels = {{"a", "1"}, {"b", "two words"}};
  c.expiration_seconds = 3600;
  c.expires_at = TimePoint(std::chrono::seconds(4102444800));  // 2100: needs 64 bits
  c.expires_skew_tolerance = 30;
  c.description = "it's \"quoted\" ? and ünïcode";
  c.owner = "alice";
  c.shared = true;
  ASSERT_TRUE(store_->CreateConnector(c, std::nullopt));
  auto f = store_->FindConnector(c.id);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->name, c.name);
  EXPECT_EQ(f->connector_type, c.connector_type);
  EXPECT_EQ(f->auth_method, c.auth_method);
  EXPECT_EQ(f->resource_types, c.resource_types);
  EXPECT_EQ(f->resource_id, std::nullopt);
  EXPECT_TRUE(f->supports_instances);
  EXPECT_EQ(f->configuration, c.configuration);
  EXPECT_EQ(f->secret_id, std::nullopt);
  EXPECT_TRUE(f->secrets.empty());
  EXPECT_EQ(f->labels, c.labels);
  EXPECT_EQ(f->expiration_seconds, 3600);
  EXPECT_EQ(f->expires_at, c.expires_at);
  EXPECT_EQ(f->expires_skew_tolerance, 30);
  EXPECT_EQ(f->description, c.description);
  EXPECT_EQ(f->owner, "alice");
  EXPECT_TRUE(f->shared);
  EXPECT_EQ(f->created, c.created);
  EXPECT_EQ(f->updated, c.updated);
}

TEST_P(StoreTest, DuplicateNamesAreRefusedWithoutLeftovers) {
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("dup"), std::nullopt));
  Connector again = MakeConnector("dup");
  auto secret = MakeInternalSecret(crypto::NewUuid());
  again.secret_id = secret.id;
  auto r = store_->CreateConnector(again, secret);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(r.error().message, "a service connector named 'dup' already exists");
  EXPECT_FALSE(store_->GetSecretById(secret.id)) << "the transaction must roll back the secret";
  EXPECT_FALSE(store_->FindConnector(again.id.substr(0, 8)));
}

TEST_P(StoreTest, AmbiguousIdPrefixIsRefused) {
  Connector a = MakeConnector("a"), b = MakeConnector("b");
  a.id = "abc1-" + a.id;
  b.id = "abc2-" + b.id;
  ASSERT_TRUE(store_->CreateConnector(a, std::nullopt));
  ASSERT_TRUE(store_->CreateConnector(b, std::nullopt));
  auto r = store_->FindConnector("abc");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message,
            "ID prefix 'abc' matches several service connectors; give more characters");
  EXPECT_EQ(store_->FindConnector("abc2")->name, "b");
}

TEST_P(StoreTest, UpdateReplacesSecret) {
  Connector c = MakeConnector("upd");
  auto s1 = MakeInternalSecret(crypto::NewUuid());
  c.secret_id = s1.id;
  ASSERT_TRUE(store_->CreateConnector(c, s1));
  Connector read = *store_->FindConnector("upd");
  auto s2 = MakeInternalSecret(crypto::NewUuid());
  read.secret_id = s2.id;
  read.description = "changed";
  ASSERT_TRUE(store_->UpdateConnector(read, s2));
  auto after = store_->FindConnector("upd");
  EXPECT_EQ(after->description, "changed");
  EXPECT_EQ(after->version, 2);
  EXPECT_FALSE(store_->GetSecretById(s1.id));
  EXPECT_TRUE(store_->GetSecretById(s2.id));
  // Dropping the secret altogether also removes the old one.
  Connector plain = *after;
  plain.secret_id.reset();
  ASSERT_TRUE(store_->UpdateConnector(plain, std::nullopt));
  EXPECT_FALSE(store_->GetSecretById(s2.id));
  EXPECT_TRUE(store_->FindConnector("upd")->secrets.empty());
}

TEST_P(StoreTest, TwoUpdatesFromOneReadOneWinsTheOtherConflicts) {
  Connector c = MakeConnector("race");
  auto s1 = MakeInternalSecret(crypto::NewUuid());
  c.secret_id = s1.id;
  ASSERT_TRUE(store_->CreateConnector(c, s1));
  Connector first = *store_->FindConnector("race");
  Connector second = first;
  first.description = "first";
  second.description = "second";
  auto s2 = MakeInternalSecret(crypto::NewUuid());
  auto s3 = MakeInternalSecret(crypto::NewUuid());
  first.secret_id = s2.id;
  second.secret_id = s3.id;
  ASSERT_TRUE(store_->UpdateConnector(first, s2));
  auto lost = store_->UpdateConnector(second, s3);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ErrorCode::kConflict);
  EXPECT_EQ(lost.error().message,
            "connector 'race' was changed concurrently (expected version 1); re-read it and "
            "retry");
  auto stored = store_->FindConnector("race");
  EXPECT_EQ(stored->version, 2);
  EXPECT_EQ(stored->description, "first");
  EXPECT_EQ(stored->secret_id, s2.id);
  EXPECT_TRUE(store_->GetSecretById(s2.id));
  EXPECT_FALSE(store_->GetSecretById(s3.id)) << "the losing update leaves nothing behind";
  // Re-read and retry succeeds.
  Connector retry = *stored;
  retry.description = "second";
  ASSERT_TRUE(store_->UpdateConnector(retry, std::nullopt));
  EXPECT_EQ(store_->FindConnector("race")->version, 3);

  Connector ghost = MakeConnector("ghost");
  EXPECT_EQ(store_->UpdateConnector(ghost, std::nullopt).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, RenameOntoAnotherNameIsRefused) {
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("one"), std::nullopt));
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("two"), std::nullopt));
  Connector two = *store_->FindConnector("two");
  two.name = "one";
  auto r = store_->UpdateConnector(two, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(r.error().message, "a service connector named 'one' already exists");
  EXPECT_EQ(store_->FindConnector(two.id)->version, 1);
}

TEST_P(StoreTest, VisibleToShowsOwnAndSharedOnly) {
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("alice-own", "alice"), std::nullopt));
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("bob-own", "bob"), std::nullopt));
  Connector shared = MakeConnector("bob-shared", "bob");
  shared.shared = true;
  ASSERT_TRUE(store_->CreateConnector(shared, std::nullopt));
  Connector read_only = MakeConnector("bob-read-only", "bob");
  read_only.shared = true;
  read_only.shared_read_only = true;
  ASSERT_TRUE(store_->CreateConnector(read_only, std::nullopt));
  auto found = store_->FindConnector("bob-read-only");
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->shared && found->shared_read_only);
  EXPECT_FALSE(store_->FindConnector("bob-shared")->shared_read_only);
  // Issue 14 (5): shared with its long-lived secrets, kept in the same column.
  Connector with_secrets = MakeConnector("bob-with-secrets", "bob");
  with_secrets.shared = true;
  with_secrets.share_secrets = true;
  ASSERT_TRUE(store_->CreateConnector(with_secrets, std::nullopt));
  auto found_secrets = store_->FindConnector("bob-with-secrets");
  ASSERT_TRUE(found_secrets);
  EXPECT_TRUE(found_secrets->shared && found_secrets->share_secrets &&
              !found_secrets->shared_read_only);
  EXPECT_FALSE(store_->FindConnector("bob-shared")->share_secrets);

  auto names = [&](std::optional<std::string> user) {
    ConnectorFilter f;
    f.visible_to = user;
    auto listed = store_->ListConnectors(f);
    std::vector<std::string> out;
    for (auto const& c : listed.value()) out.push_back(c.name);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(names("alice"), (std::vector<std::string>{"alice-own", "bob-read-only", "bob-shared",
                                                      "bob-with-secrets"}));
  EXPECT_EQ(names("bob"), (std::vector<std::string>{"bob-own", "bob-read-only", "bob-shared",
                                                    "bob-with-secrets"}));
  EXPECT_EQ(names("carol"),
            (std::vector<std::string>{"bob-read-only", "bob-shared", "bob-with-secrets"}));
  EXPECT_EQ(names(std::nullopt).size(), 5u) << "no visible_to: every connector (admins)";
  ConnectorFilter both;
  both.visible_to = "alice";
  both.name = "bob-own";
  EXPECT_TRUE(store_->ListConnectors(both)->empty());

  auto secret_names = [&](std::optional<std::string> user) {
    auto listed = store_->ListSecrets(SecretFilter{user});
    std::vector<std::string> out;
    for (auto const& s : listed.value()) out.push_back(s.name);
    std::sort(out.begin(), out.end());
    return out;
  };
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("alice-secret", "alice")));
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("bob-secret", "bob")));
  SecretRecord team = MakeUserSecret("team-secret", "bob");
  team.shared = true;
  ASSERT_TRUE(store_->CreateSecret(team));
  EXPECT_EQ(secret_names("alice"), (std::vector<std::string>{"alice-secret", "team-secret"}));
  EXPECT_EQ(secret_names(std::nullopt).size(), 3u);
  EXPECT_TRUE(store_->FindSecret("team-secret")->shared);
}

TEST_P(StoreTest, ReopenKeepsSchemaAndData) {
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("persist"), std::nullopt));
  store_.reset();
  auto s = OpenAnother();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE((*s)->FindConnector("persist"));
}

}  // namespace
}  // namespace latchkey::testing
