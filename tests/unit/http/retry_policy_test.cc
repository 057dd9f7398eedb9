#include "http/retry_policy.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicyTest, RetryableStatuses) {
  for (long s : {429L, 502L, 503L, 504L}) EXPECT_TRUE(RetryableStatus(s)) << s;
  for (long s : {200L, 400L, 401L, 403L, 404L, 500L, 501L}) EXPECT_FALSE(RetryableStatus(s)) << s;
}

TEST(RetryPolicyTest, ParsesRetryAfterInBothForms) {
  TimePoint now = TimePoint(std::chrono::seconds(784111777));  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(ParseRetryAfter("3", now), milliseconds(3000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now), milliseconds(10000));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), milliseconds(0));  // past
  EXPECT_EQ(ParseRetryAfter("99999999999999", now), milliseconds::max());
  for (char const* bad : {"", "soon", "-1", "1.5", "Sun, 06 Nov 1994 08:49:47 GMT trailing"}) {
    EXPECT_FALSE(ParseRetryAfter(bad, now)) << bad;
  }
}

TEST(RetryPolicyTest, BackoffDoublesWithJitterAndHonoursTheCap) {
  RetryPolicy policy;
  std::minstd_rand jitter(42);
  for (int i = 0; i < 200; ++i) {
    auto first = RetryDelay(policy, 1, std::nullopt, jitter);
    EXPECT_GE(first, milliseconds(100));
    EXPECT_LT(first, milliseconds(300));
    auto second = RetryDelay(policy, 2, std::nullopt, jitter);
    EXPECT_GE(second, milliseconds(200));
    EXPECT_LT(second, milliseconds(600));
    EXPECT_LE(RetryDelay(policy, 40, std::nullopt, jitter), policy.max_delay);
  }
  EXPECT_EQ(RetryDelay(policy, 1, milliseconds(1500), jitter), milliseconds(1500));
  EXPECT_EQ(RetryDelay(policy, 1, milliseconds::max(), jitter), policy.max_delay);
}

}  // namespace
}  // namespace latchkey
