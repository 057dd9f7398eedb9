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

}  // namespace
}  // namespace latchkey
