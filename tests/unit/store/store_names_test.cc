// Conformance: names are unique per owner (and among shared items), not across users (issue 14,
// finding 9), and a lookup by name resolves the caller's own item first, then the shared one.
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

NameScope As(std::string user) { return NameScope{std::move(user), false}; }

SecretRecord UserSecretOf(std::string name, std::string owner, bool shared) {
  SecretRecord s;
  s.id = crypto::NewUuid();
  s.name = std::move(name);
  s.owner = std::move(owner);
  s.shared = shared;
  s.created = s.updated = Now();
  return s;
}

TEST_P(StoreTest, PrivateConnectorNamesAreUniquePerOwner) {
  Connector alice = MakeConnector("prod", "alice");
  Connector bob = MakeConnector("prod", "bob");
  ASSERT_TRUE(store_->CreateConnector(alice, std::nullopt));
  // Another user's private name is neither refused nor revealed.
  auto created = store_->CreateConnector(bob, std::nullopt);
  ASSERT_TRUE(created) << created.error().message;
  auto again = store_->CreateConnector(MakeConnector("prod", "bob"), std::nullopt);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  EXPECT_EQ(store_->FindConnector("prod", As("alice"))->id, alice.id);
  EXPECT_EQ(store_->FindConnector("prod", As("bob"))->id, bob.id);
  // A third user sees neither: not found, in the store's own words.
  auto carol = store_->FindConnector("prod", As("carol"));
  ASSERT_FALSE(carol);
  EXPECT_EQ(carol.error().code, ErrorCode::kNotFound);
  // Nor by its ID; the owner and admins find it by ID.
  EXPECT_FALSE(store_->FindConnector(alice.id, As("carol")));
  EXPECT_EQ(store_->FindConnector(alice.id, As("alice"))->id, alice.id);
  EXPECT_EQ(store_->FindConnector(alice.id, NameScope{"root", true})->id, alice.id);
  // An admin who owns neither must say which one.
  auto admin = store_->FindConnector("prod", NameScope{"root", true});
  ASSERT_FALSE(admin);
  EXPECT_EQ(admin.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(admin.error().message,
            "several service connectors of different users are named 'prod'; give the ID");
}

TEST_P(StoreTest, SharedConnectorNamesAreUniqueAmongSharedOnes) {
  Connector shared = MakeConnector("team", "alice");
  shared.shared = true;
  ASSERT_TRUE(store_->CreateConnector(shared, std::nullopt));
  // Bob's private "team" is his own business, and his lookups find it first.
  Connector mine = MakeConnector("team", "bob");
  ASSERT_TRUE(store_->CreateConnector(mine, std::nullopt));
  EXPECT_EQ(store_->FindConnector("team", As("bob"))->id, mine.id);
  EXPECT_EQ(store_->FindConnector("team", As("carol"))->id, shared.id);
  EXPECT_EQ(store_->FindConnector("team", NameScope{"root", true})->id, shared.id);
  // Sharing it would give two shared items one name: refused, and nothing changes.
  mine = *store_->FindConnector(mine.id);
  mine.shared = true;
  auto share = store_->UpdateConnector(mine, std::nullopt);
  ASSERT_FALSE(share);
  EXPECT_EQ(share.error().code, ErrorCode::kAlreadyExists);
  EXPECT_FALSE(store_->FindConnector(mine.id)->shared);
  Connector other = MakeConnector("team", "carol");
  other.shared = true;
  EXPECT_FALSE(store_->CreateConnector(other, std::nullopt));
}

TEST_P(StoreTest, NameLookupsNeverTreatWildcardsAsIdPrefixes) {
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("only", "alice"), std::nullopt));
  for (char const* pattern : {"%", "_", "%%"}) {
    auto r = store_->FindConnector(pattern, As("alice"));
    ASSERT_FALSE(r) << pattern;
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  }
}

TEST_P(StoreTest, IdPrefixesOnlyReachVisibleItems) {
  Connector hidden = MakeConnector("hidden", "alice");
  ASSERT_TRUE(store_->CreateConnector(hidden, std::nullopt));
  EXPECT_FALSE(store_->FindConnector(hidden.id.substr(0, 8), As("bob")));
  EXPECT_EQ(store_->FindConnector(hidden.id.substr(0, 8), As("alice"))->id, hidden.id);
}

TEST_P(StoreTest, SecretNamesAreUniquePerOwnerAndAmongShared) {
  SecretRecord alice = UserSecretOf("db", "alice", false);
  SecretRecord bob = UserSecretOf("db", "bob", false);
  ASSERT_TRUE(store_->CreateSecret(alice));
  ASSERT_TRUE(store_->CreateSecret(bob));
  EXPECT_FALSE(store_->CreateSecret(UserSecretOf("db", "bob", false)));
  EXPECT_EQ(store_->FindSecret("db", As("alice"))->id, alice.id);
  EXPECT_EQ(store_->FindSecret("db", As("bob"))->id, bob.id);
  EXPECT_FALSE(store_->FindSecret("db", As("carol")));

  SecretRecord shared = UserSecretOf("common", "alice", true);
  ASSERT_TRUE(store_->CreateSecret(shared));
  EXPECT_EQ(store_->FindSecret("common", As("carol"))->id, shared.id);
  auto clash = store_->CreateSecret(UserSecretOf("common", "carol", true));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().message, "a secret named 'common' already exists");
  ASSERT_TRUE(store_->CreateSecret(UserSecretOf("common", "carol", false)));
}

TEST_P(StoreTest, StackAndComponentNamesAreUniquePerOwner) {
  auto component = [](std::string owner) {
    StackComponent c;
    c.id = crypto::NewUuid();
    c.name = "local";
    c.type = ComponentType::kOrchestrator;
    c.flavor = "local";
    c.owner = std::move(owner);
    c.created = c.updated = Now();
    return c;
  };
  StackComponent alice = component("alice");
  StackComponent bob = component("bob");
  ASSERT_TRUE(store_->CreateComponent(alice));
  ASSERT_TRUE(store_->CreateComponent(bob));
  EXPECT_FALSE(store_->CreateComponent(component("bob")));
  EXPECT_EQ(store_->FindComponent(ComponentType::kOrchestrator, "local", As("bob"))->id, bob.id);
  EXPECT_FALSE(store_->FindComponent(ComponentType::kOrchestrator, "local", As("carol")));

  auto stack = [](std::string owner, StackComponent const& member) {
    Stack s;
    s.id = crypto::NewUuid();
    s.name = "default";
    s.owner = std::move(owner);
    s.created = s.updated = Now();
    s.components[ComponentType::kOrchestrator] = member;
    return s;
  };
  Stack alice_stack = stack("alice", alice);
  Stack bob_stack = stack("bob", bob);
  ASSERT_TRUE(store_->CreateStack(alice_stack));
  ASSERT_TRUE(store_->CreateStack(bob_stack));
  auto dup = store_->CreateStack(stack("bob", bob));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().message, "a stack named 'default' already exists");
  EXPECT_EQ(store_->FindStack("default", As("alice"))->id, alice_stack.id);
  EXPECT_EQ(store_->FindStack("default", As("bob"))->id, bob_stack.id);
}

}  // namespace
}  // namespace latchkey::testing
