#include "service/identity_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/random.h"
#include "store/open_store.h"

namespace latchkey {
namespace {

class IdentityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("latchkey-identity-" + crypto::NewUuid());
    std::filesystem::create_directories(dir_);
    auto store = OpenSqliteStore((dir_ / "db.sqlite").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    identity_ = std::make_unique<IdentityService>(*store_, IdentityOptions{});
    ASSERT_TRUE(identity_->Bootstrap(std::string("admin-password"), now_));
    auto admin_token = identity_->Login("admin", "admin-password", "t", now_);
    ASSERT_TRUE(admin_token);
    admin_ = *identity_->Authenticate(admin_token->token, now_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<IdentityService> identity_;
  TimePoint now_ = TimePoint(std::chrono::seconds(1'800'000'000));
  Principal admin_;
};

TEST_F(IdentityServiceTest, BootstrapCreatesOneAdminOnlyOnce) {
  EXPECT_TRUE(admin_.admin);
  EXPECT_EQ(admin_.name, "admin");
  auto again = identity_->Bootstrap(std::nullopt, now_);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value()) << "users exist: nothing generated";
  EXPECT_EQ(store_->PageUsers(ListQuery{})->total, 1);
}

TEST_F(IdentityServiceTest, WrongPasswordsAndUnknownUsersLookTheSame) {
  auto wrong = identity_->Login("admin", "not-it", "t", now_);
  auto unknown = identity_->Login("nobody", "not-it", "t", now_);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST_F(IdentityServiceTest, TokensExpireAndCanBeRevoked) {
  auto issued = identity_->Login("admin", "admin-password", "cli", now_);
  ASSERT_TRUE(issued);
  EXPECT_TRUE(identity_->Authenticate(issued->token, now_ + std::chrono::hours(24)));
  EXPECT_FALSE(identity_->Authenticate(issued->token, now_ + std::chrono::hours(24 * 31)));
  ASSERT_TRUE(identity_->RevokeToken(admin_, issued->record.id));
  EXPECT_FALSE(identity_->Authenticate(issued->token, now_));
  EXPECT_FALSE(identity_->Authenticate("lk_garbage", now_));
  EXPECT_FALSE(identity_->Authenticate("", now_));
}

TEST_F(IdentityServiceTest, ARevocationThroughAnotherReplicaEndsTheRememberedToken) {
  auto other_store = OpenSqliteStore((dir_ / "db.sqlite").string());
  ASSERT_TRUE(other_store) << other_store.error().message;
  IdentityService other(**other_store, IdentityOptions{});
  auto issued = identity_->Login("admin", "admin-password", "cli", now_);
  ASSERT_TRUE(issued);
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(identity_->Authenticate(issued->token, now_));
  ASSERT_TRUE(other.RevokeToken(admin_, issued->record.id));
  EXPECT_FALSE(identity_->Authenticate(issued->token, now_));
}

TEST_F(IdentityServiceTest, OnlyAdminsManageUsersAndServiceAccountsUseKeys) {
  ASSERT_TRUE(
      identity_->CreateUser(admin_, {"alice", std::string("alice-pass"), false, false}, now_));
  auto alice =
      identity_->Authenticate(identity_->Login("alice", "alice-pass", "t", now_)->token, now_);
  ASSERT_TRUE(alice);
  EXPECT_FALSE(alice->admin);
  auto denied =
      identity_->CreateUser(*alice, {"mallory", std::string("pass-word"), true, false}, now_);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(identity_->PageUsers(*alice, ListQuery{}));
  EXPECT_FALSE(identity_->CreateUser(admin_, {"short", std::string("123"), false, false}, now_));
  EXPECT_FALSE(
      identity_->CreateUser(admin_, {"bad name!", std::string("long-enough"), false, false}, now_));

  ASSERT_TRUE(identity_->CreateUser(admin_, {"ci", std::nullopt, false, true}, now_));
  EXPECT_FALSE(identity_->Login("ci", "", "t", now_));
  auto key = identity_->CreateApiKey(admin_, "ci", "deploy", std::chrono::seconds(60), now_);
  ASSERT_TRUE(key);
  EXPECT_TRUE(identity_->Authenticate(key->token, now_ + std::chrono::seconds(59)));
  EXPECT_FALSE(identity_->Authenticate(key->token, now_ + std::chrono::seconds(61)));
  EXPECT_FALSE(identity_->CreateApiKey(admin_, "alice", "x", std::nullopt, now_));
  // The user's own tokens only, unless an admin asks for all.
  EXPECT_FALSE(identity_->PageTokens(*alice, true, ListQuery{}));
  EXPECT_EQ(identity_->PageTokens(*alice, false, ListQuery{})->total, 1);
  EXPECT_EQ(identity_->PageTokens(admin_, true, ListQuery{})->total, 3);
  // A user revokes their own tokens only; another's ID is "not found", as an unknown one.
  auto admins = identity_->PageTokens(admin_, false, ListQuery{});
  ASSERT_TRUE(admins);
  ASSERT_EQ(admins->total, 1);
  auto foreign = identity_->RevokeToken(*alice, admins->items[0].id);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::kNotFound);
  auto own = identity_->PageTokens(*alice, false, ListQuery{});
  ASSERT_TRUE(own);
  ASSERT_EQ(own->total, 1);
  EXPECT_TRUE(identity_->RevokeToken(*alice, own->items[0].id));
}

TEST_F(IdentityServiceTest, UsersWhoOwnSomethingCannotBeDeleted) {
  ASSERT_TRUE(
      identity_->CreateUser(admin_, {"bob", std::string("bob-password"), false, false}, now_));
  Connector c;
  c.id = crypto::NewUuid();
  c.name = "bobs";
  c.connector_type = "docker";
  c.auth_method = "password";
  c.resource_types = {"docker-registry"};
  c.owner = "bob";
  ASSERT_TRUE(store_->CreateConnector(c, std::nullopt));
  auto refused = identity_->DeleteUser(admin_, "bob");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(store_->DeleteConnector(c.id));
  EXPECT_TRUE(identity_->DeleteUser(admin_, "bob"));
  EXPECT_FALSE(identity_->DeleteUser(admin_, "admin")) << "not yourself";
}

// Issue 14 (8): unknown names, service accounts and deactivated users are refused after the
// same Argon2 check a wrong password gets, so response times do not tell them apart.
TEST_F(IdentityServiceTest, EveryRefusedLoginCostsOnePasswordCheck) {
  ASSERT_TRUE(
      identity_->CreateUser(admin_, {"alice", std::string("alice-pass"), false, false}, now_));
  ASSERT_TRUE(identity_->CreateUser(admin_, {"ci", std::nullopt, false, true}, now_));
  auto carol =
      identity_->CreateUser(admin_, {"carol", std::string("carol-pass"), false, false}, now_);
  ASSERT_TRUE(carol);
  User inactive = *store_->FindUser("carol");
  inactive.active = false;
  ASSERT_TRUE(store_->UpdateUser(inactive));
  for (auto const& [name, password] :
       std::vector<std::pair<std::string, std::string>>{{"alice", "wrong-pass"},
                                                        {"nobody", "any-password"},
                                                        {"ci", "any-password"},
                                                        {"carol", "carol-pass"}}) {
    SCOPED_TRACE(name);
    uint64_t before = identity_->password_checks();
    auto refused = identity_->Login(name, password, "t", now_);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(identity_->password_checks() - before, 1u);
  }
  uint64_t before = identity_->password_checks();
  EXPECT_TRUE(identity_->Login("alice", "alice-pass", "t", now_));
  EXPECT_EQ(identity_->password_checks() - before, 1u);
}

// Issue 14 (7): after the allowance of wrong passwords a name is locked out, a right password
// included, without another Argon2 check; other names are unaffected; the lockout passes.
TEST_F(IdentityServiceTest, FailedLoginsLockTheNameOutEvenForTheRightPassword) {
  IdentityOptions options;
  options.throttle.failures_per_name = 3;
  options.throttle.first_lockout = std::chrono::seconds(30);
  IdentityService identity(*store_, options);
  ASSERT_TRUE(
      identity.CreateUser(admin_, {"alice", std::string("alice-pass"), false, false}, now_));
  for (int i = 0; i < 3; ++i) {
    auto wrong = identity.Login("admin", "not-it", "t", now_, "10.0.0.9");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  }
  uint64_t checks = identity.password_checks();
  auto locked = identity.Login("admin", "admin-password", "t", now_, "10.0.0.9");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(identity.password_checks(), checks) << "no Argon2 work for a locked-out name";
  EXPECT_EQ(identity.LoginRetryAfter("admin", "10.0.0.9", now_), std::chrono::seconds(30));
  EXPECT_TRUE(identity.Login("alice", "alice-pass", "t", now_, "10.0.0.9"));
  EXPECT_TRUE(
      identity.Login("admin", "admin-password", "t", now_ + std::chrono::seconds(30), "10.0.0.9"));
}

TEST_F(IdentityServiceTest, PasswordChecksBeyondTheQueueAreTurnedAway) {
  ConcurrencyLimit limit(1, 0);
  auto held = limit.Acquire();
  ASSERT_TRUE(held);
  EXPECT_FALSE(limit.Acquire()) << "no slot and no queue: refused at once, not waited for";
}

}  // namespace
}  // namespace latchkey
