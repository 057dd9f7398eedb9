#include "service/login_throttle.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

using std::chrono::seconds;

TimePoint At(int64_t s) { return TimePoint(seconds(1'800'000'000 + s)); }

TEST(LoginThrottle, LocksANameAfterItsAllowanceWithDoublingLockouts) {
  LoginThrottle throttle(LoginThrottleOptions{3, 100, seconds(10), seconds(60), seconds(600)});
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(throttle.RetryAfter("alice", "10.0.0.1", At(0)));
    throttle.Failed("alice", "10.0.0.1", At(0));
  }
  EXPECT_FALSE(throttle.RetryAfter("alice", "10.0.0.1", At(0)));
  throttle.Failed("alice", "10.0.0.1", At(0));  // the third: locked
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.1", At(0)), seconds(10));
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.2", At(4)), seconds(6)) << "from anywhere";
  EXPECT_FALSE(throttle.RetryAfter("bob", "10.0.0.1", At(0))) << "other names unaffected";
  EXPECT_FALSE(throttle.RetryAfter("alice", "10.0.0.1", At(10)));
  throttle.Failed("alice", "10.0.0.1", At(10));
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.1", At(10)), seconds(20)) << "doubled";
  throttle.Failed("alice", "10.0.0.1", At(30));
  throttle.Failed("alice", "10.0.0.1", At(70));
  EXPECT_EQ(throttle.RetryAfter("alice", "10.0.0.1", At(70)), seconds(60)) << "capped";
  throttle.Succeeded("alice");
  EXPECT_FALSE(throttle.RetryAfter("alice", "10.0.0.1", At(70)));
}

TEST(LoginThrottle, LocksAnAddressSprayingManyNames) {
  LoginThrottle throttle(LoginThrottleOptions{100, 4, seconds(30), seconds(60), seconds(600)});
  for (int i = 0; i < 4; ++i) throttle.Failed("user" + std::to_string(i), "2001:db8::1", At(0));
  EXPECT_TRUE(throttle.RetryAfter("anyone", "2001:db8::1", At(1)));
  EXPECT_TRUE(throttle.RetryAfter("anyone", "2001:db8::ffff", At(1))) << "same /64";
  EXPECT_FALSE(throttle.RetryAfter("anyone", "2001:db8:0:1::1", At(1)));
  EXPECT_FALSE(throttle.RetryAfter("anyone", "192.0.2.1", At(1)));
  EXPECT_EQ(LoginThrottle::AddressKey("2001:db8::1"), "2001:db8::/64");
  EXPECT_EQ(LoginThrottle::AddressKey("127.0.0.1"), "127.0.0.1");
}

TEST(LoginThrottle, ForgetsQuietFailuresAndStaysBounded) {
  LoginThrottleOptions options{3, 100, seconds(10), seconds(60), seconds(100)};
  options.max_tracked = 50;
  LoginThrottle throttle(options);
  throttle.Failed("alice", "a", At(0));
  throttle.Failed("alice", "a", At(1));
  throttle.Failed("alice", "a", At(200));  // the first two are forgotten: one failure now
  EXPECT_FALSE(throttle.RetryAfter("alice", "a", At(200)));
  for (int i = 0; i < 10000; ++i) throttle.Failed("n" + std::to_string(i), "b", At(300));
  EXPECT_LE(throttle.TrackedNames(), 50u) << "a spray of names cannot grow memory";
  throttle.Failed("n9999", "b", At(300));
  throttle.Failed("n9999", "b", At(300));
  EXPECT_TRUE(throttle.RetryAfter("n9999", "c", At(300))) << "the latest names are still counted";
}

}  // namespace
}  // namespace latchkey
