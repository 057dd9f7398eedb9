#include "server/api/outbound_limiter.h"

#include <gtest/gtest.h>

namespace latchkey::api {
namespace {

TEST(OutboundLimiterTest, BoundsEachUserSeparatelyAndReleasesOnDestruction) {
  OutboundLimiter limiter(2);
  auto a1 = limiter.TryAcquire("alice");
  auto a2 = limiter.TryAcquire("alice");
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(limiter.TryAcquire("alice"));
  EXPECT_TRUE(limiter.TryAcquire("bob"));  // released again at once
  {
    std::optional<OutboundLimiter::Slot> moved = std::move(a1);
    a1.reset();  // a moved-from slot releases nothing
    EXPECT_FALSE(limiter.TryAcquire("alice"));
  }
  EXPECT_TRUE(limiter.TryAcquire("alice"));
  std::optional<OutboundLimiter::Slot> assigned = limiter.TryAcquire("carol");
  assigned = limiter.TryAcquire("carol");  // the first is released by the assignment
  auto other = limiter.TryAcquire("carol");
  EXPECT_TRUE(other);
  EXPECT_FALSE(limiter.TryAcquire("carol"));
}

}  // namespace
}  // namespace latchkey::api
