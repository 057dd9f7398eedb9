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

}  // namespace
}  // namespace latchkey
