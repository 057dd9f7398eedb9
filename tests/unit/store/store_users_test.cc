// Conformance: users (unique names), ownership counts and API tokens.
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

TEST_P(StoreTest, UsersCrudWithUniqueNames) {
  User alice = MakeUser("alice");
  alice.admin = true;
  User bot = MakeUser("ci-bot");
  bot.service_account = true;
  bot.password_hash = "";
  ASSERT_TRUE(store_->CreateUser(alice));
  ASSERT_TRUE(store_->CreateUser(bot));

  auto by_name = store_->FindUser("alice");
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_EQ(by_name->id, alice.id);
  EXPECT_TRUE(by_name->admin);
  EXPECT_TRUE(by_name->active);
  EXPECT_FALSE(by_name->service_account);
  EXPECT_EQ(by_name->password_hash, alice.password_hash);
  EXPECT_EQ(by_name->created, alice.created);
  auto by_id = store_->FindUser(bot.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->name, "ci-bot");
  EXPECT_TRUE(by_id->service_account);
  EXPECT_EQ(store_->FindUser(bot.id.substr(0, 8)).error().code, ErrorCode::kNotFound)
      << "users are found by exact ID or name only";

  auto dup = store_->CreateUser(MakeUser("alice"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().message, "a user named 'alice' already exists");

  auto list = store_->PageUsers(ListQuery{});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[0].name, "alice");
  EXPECT_EQ(list->items[1].name, "ci-bot");

  User changed = *by_name;
  changed.name = "alice2";
  changed.admin = false;
  changed.active = false;
  changed.password_hash = "$argon2id$new";
  changed.updated = changed.created + std::chrono::seconds(5);
  ASSERT_TRUE(store_->UpdateUser(changed));
  auto after = store_->FindUser("alice2");
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->admin);
  EXPECT_FALSE(after->active);
  EXPECT_EQ(after->password_hash, "$argon2id$new");
  EXPECT_EQ(after->updated, changed.updated);
  EXPECT_FALSE(store_->FindUser("alice"));

  changed.name = "ci-bot";
  auto clash = store_->UpdateUser(changed);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(clash.error().message, "a user named 'ci-bot' already exists");

  ASSERT_TRUE(store_->DeleteUser(alice.id));
  EXPECT_EQ(store_->FindUser(alice.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteUser(alice.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->UpdateUser(changed).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->PageUsers(ListQuery{})->total, 1);
}

TEST_P(StoreTest, CountOwnedByCountsConnectorsAndUserSecrets) {
  User bob = MakeUser("bob");
  ASSERT_TRUE(store_->CreateUser(bob));
  EXPECT_EQ(*store_->CountOwnedBy(bob.id), 0u);
  Connector c = MakeConnector("bobs", bob.id);
  auto own = MakeInternalSecret(crypto::NewUuid());
  own.owner = bob.id;  // a connector's own secret is not counted twice
  c.secret_id = own.id;
  ASSERT_TRUE(store_->CreateConnector(c, own));
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("bob-1", bob.id)));
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("bob-2", bob.id)));
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("other", "someone-else")));
  auto n = store_->CountOwnedBy(bob.id);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 3u);
}

TEST_P(StoreTest, TokensCreateFindRevokeAndGoWithTheirUser) {
  User u = MakeUser("tok");
  User other = MakeUser("other");
  ASSERT_TRUE(store_->CreateUser(u));
  ASSERT_TRUE(store_->CreateUser(other));
  ApiToken login = MakeToken(u.id, "login from host x");
  login.expires_at = login.created + std::chrono::hours(12);
  ApiToken ci = MakeToken(u.id, "ci");
  ci.created = login.created + std::chrono::seconds(1);
  ApiToken theirs = MakeToken(other.id, "theirs");
  ASSERT_TRUE(store_->CreateToken(login));
  ASSERT_TRUE(store_->CreateToken(ci));
  ASSERT_TRUE(store_->CreateToken(theirs));

  auto found = store_->FindTokenByHash(login.token_hash);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, login.id);
  EXPECT_EQ(found->user_id, u.id);
  EXPECT_EQ(found->name, "login from host x");
  EXPECT_EQ(found->expires_at, login.expires_at);
  EXPECT_EQ(found->created, login.created);
  EXPECT_FALSE(found->revoked);
  EXPECT_EQ(store_->FindTokenByHash(ci.token_hash)->expires_at, std::nullopt);
  auto missing = store_->FindTokenByHash(login.token_hash.substr(0, 10));
  ASSERT_FALSE(missing) << "exact hash only";
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  ListQuery of_u;
  of_u.visible_to = u.id;
  auto mine = store_->PageTokens(of_u);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->items.size(), 2u);
  EXPECT_EQ(mine->items[0].id, login.id);
  EXPECT_EQ(mine->items[1].id, ci.id);
  EXPECT_EQ(store_->PageTokens(ListQuery{})->total, 3);

  ASSERT_TRUE(store_->RevokeToken(ci.id));
  EXPECT_TRUE(store_->FindTokenByHash(ci.token_hash)->revoked);
  EXPECT_FALSE(store_->FindTokenByHash(login.token_hash)->revoked);
  EXPECT_EQ(store_->RevokeToken("no-such-token").error().code, ErrorCode::kNotFound);

  ApiToken same_hash = MakeToken(other.id, "copy");
  same_hash.token_hash = login.token_hash;
  auto dup = store_->CreateToken(same_hash);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  auto orphan = store_->CreateToken(MakeToken("no-such-user", "x"));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(orphan.error().message, "no user named or with ID 'no-such-user'");

  ASSERT_TRUE(store_->DeleteUser(u.id));
  EXPECT_EQ(store_->PageTokens(of_u)->total, 0);
  EXPECT_EQ(store_->FindTokenByHash(login.token_hash).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->PageTokens(ListQuery{})->total, 1) << "other users' tokens stay";
}

TEST_P(StoreTest, EveryCommittedWriteAdvancesTheRevisionAndNothingElseDoes) {
  auto revision = [&] {
    auto r = store_->Revision();
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(-1);
  };
  int64_t start = revision();
  User u = MakeUser("rev");
  ASSERT_TRUE(store_->CreateUser(u));
  int64_t after_user = revision();
  EXPECT_GT(after_user, start);

  ApiToken t = MakeToken(u.id, "t");
  ASSERT_TRUE(store_->CreateToken(t));
  int64_t after_token = revision();
  EXPECT_GT(after_token, after_user);
  ASSERT_TRUE(store_->FindTokenByHash(t.token_hash));
  ASSERT_TRUE(store_->ListConnectors({}));
  EXPECT_EQ(revision(), after_token) << "reads leave the revision alone";

  ASSERT_TRUE(store_->CreateConnector(MakeConnector("c"), std::nullopt));
  int64_t after_connector = revision();
  EXPECT_GT(after_connector, after_token);
  ASSERT_FALSE(store_->CreateConnector(MakeConnector("c"), std::nullopt));
  EXPECT_EQ(revision(), after_connector) << "a failed write commits nothing";

  ASSERT_TRUE(store_->RevokeToken(t.id));
  EXPECT_GT(revision(), after_connector);
}

}  // namespace
}  // namespace latchkey::testing
