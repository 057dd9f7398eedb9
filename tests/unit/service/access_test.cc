#include "service/access.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

constexpr Access kAll[] = {Access::kRead, Access::kReadSecrets, Access::kUse, Access::kUpdate,
                           Access::kDelete};

TEST(AccessTest, OwnersAndAdminsMayDoEverything) {
  Principal alice{"alice", false, "u1"};
  Principal admin{"root", true, "u0"};
  for (Access a : kAll) {
    EXPECT_TRUE(Authorize(alice, "alice", false, a, "secret", "x"));
    EXPECT_TRUE(Authorize(admin, "alice", false, a, "secret", "x"));
  }
}

TEST(AccessTest, OthersSeePrivateThingsAsMissing) {
  Principal bob{"bob", false, "u2"};
  for (Access a : kAll) {
    auto r = Authorize(bob, "alice", false, a, "service connector", "prod");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(r.error().message, "no service connector named or with ID 'prod'");
  }
}

TEST(AccessTest, SharedGrantsReadAndUseOnly) {
  Principal bob{"bob", false, "u2"};
  EXPECT_TRUE(Authorize(bob, "alice", true, Access::kRead, "secret", "x"));
  EXPECT_TRUE(Authorize(bob, "alice", true, Access::kUse, "secret", "x"));
  for (Access a : {Access::kReadSecrets, Access::kUpdate, Access::kDelete}) {
    auto r = Authorize(bob, "alice", true, a, "secret", "x");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  }
}

TEST(AccessTest, SharedReadOnlyGrantsReadButNotUse) {
  Principal bob{"bob", false, "u2"};
  Connector c;
  c.owner = "alice";
  c.shared = true;
  c.shared_read_only = true;
  EXPECT_TRUE(Authorize(bob, c, Access::kRead, "prod"));
  auto use = Authorize(bob, c, Access::kUse, "prod");
  ASSERT_FALSE(use);
  EXPECT_EQ(use.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(use.error().message,
            "service connector 'prod' is shared with you for reading only; its owner or an admin "
            "may share it for use");
  EXPECT_TRUE(Authorize(Principal{"alice", false, "u1"}, c, Access::kUse, "prod"));
  EXPECT_TRUE(Authorize(Principal{"root", true, "u0"}, c, Access::kUse, "prod"));
}

TEST(AccessTest, ApplySharingKeepsWhatARequestDoesNotMention) {
  Connector c;
  ASSERT_TRUE(ApplySharing(c, std::nullopt, true));
  EXPECT_TRUE(c.shared && c.shared_read_only) << "read-only implies shared";
  ASSERT_TRUE(ApplySharing(c, std::nullopt, std::nullopt));
  EXPECT_TRUE(c.shared && c.shared_read_only);
  ASSERT_TRUE(ApplySharing(c, true, std::nullopt));
  EXPECT_TRUE(c.shared && !c.shared_read_only) << "--share shares for read and use";
  ASSERT_TRUE(ApplySharing(c, std::nullopt, true));
  ASSERT_TRUE(ApplySharing(c, false, std::nullopt));
  EXPECT_FALSE(c.shared || c.shared_read_only);
  auto contradiction = ApplySharing(c, false, true);
  ASSERT_FALSE(contradiction);
  EXPECT_EQ(contradiction.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(c.shared || c.shared_read_only) << "a refused request changes nothing";
}

// Issue 14 (5): --share-secrets implies sharing for use; read-only or private clears it.
TEST(AccessTest, ShareSecretsSharesForUseAndIsClearedByNarrowerSharing) {
  Connector c;
  ASSERT_TRUE(ApplySharing(c, std::nullopt, std::nullopt, true));
  EXPECT_TRUE(c.shared && !c.shared_read_only && c.share_secrets);
  ASSERT_TRUE(ApplySharing(c, true, std::nullopt));
  EXPECT_TRUE(c.share_secrets) << "--share alone keeps it";
  ASSERT_TRUE(ApplySharing(c, std::nullopt, true));
  EXPECT_FALSE(c.share_secrets) << "read-only clears it";
  ASSERT_TRUE(ApplySharing(c, std::nullopt, std::nullopt, true));
  ASSERT_TRUE(ApplySharing(c, false, std::nullopt));
  EXPECT_FALSE(c.shared || c.share_secrets) << "private clears it";
  EXPECT_FALSE(ApplySharing(c, false, std::nullopt, true));
  EXPECT_FALSE(ApplySharing(c, std::nullopt, true, true));
}

TEST(AccessTest, LongLivedClientCredentialsNeedShareSecretsForOthers) {
  Connector stored;
  stored.name = "reg";
  stored.owner = "alice";
  stored.connector_type = "docker";
  stored.auth_method = "password";
  stored.shared = true;
  Connector same = stored;  // a docker password client: the stored password itself
  same.expires_at = Now() + std::chrono::hours(1);
  Connector temporary = stored;  // e.g. an STS or OAuth token minted for this request
  temporary.connector_type = "aws";
  temporary.auth_method = "sts-token";
  temporary.expires_at = Now() + std::chrono::hours(1);
  Connector no_expiry = temporary;
  no_expiry.expires_at.reset();
  Principal bob{"bob", false, "u2"}, alice{"alice", false, "u1"}, root{"root", true, "u0"};

  EXPECT_TRUE(HandsOutLongLivedSecrets(stored, same));
  EXPECT_TRUE(HandsOutLongLivedSecrets(stored, no_expiry));
  EXPECT_FALSE(HandsOutLongLivedSecrets(stored, temporary));
  auto refused = AuthorizeClient(bob, stored, same);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("--share-secrets"), std::string::npos);
  EXPECT_FALSE(AuthorizeClient(bob, stored, no_expiry));
  EXPECT_TRUE(AuthorizeClient(bob, stored, temporary));
  EXPECT_TRUE(AuthorizeClient(alice, stored, same)) << "the owner";
  EXPECT_TRUE(AuthorizeClient(root, stored, same)) << "an admin";
  stored.share_secrets = true;
  EXPECT_TRUE(AuthorizeClient(bob, stored, same));
}

}  // namespace
}  // namespace latchkey
