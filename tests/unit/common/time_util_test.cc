#include "common/time_util.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/model.h"

namespace latchkey {
namespace {

TEST(TimeUtil, ParsesUpstreamAndIsoForms) {
  auto a = ParseTimestamp("2026-11-23 11:44:53");
  auto b = ParseTimestamp("2026-11-23T11:44:53Z");
  auto c = ParseTimestamp("2026-11-23T12:44:53.123+01:00");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(FormatIso8601(*a), "2026-11-23T11:44:53Z");
}

// Issue 17: tables show times as upstream does, in UTC without a zone; JSON keeps ISO 8601.
TEST(TimeUtil, DisplayTimeIsUpstreamsTableForm) {
  auto t = ParseTimestamp("2023-06-15T20:45:17+02:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatDisplayTime(*t), "2023-06-15 18:45:17");
  EXPECT_EQ(FormatIso8601(*t), "2023-06-15T18:45:17Z");
  auto back = ParseTimestamp(FormatDisplayTime(*t));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *t);
}

TEST(TimeUtil, RefusesGarbage) {
  EXPECT_FALSE(ParseTimestamp("tomorrow"));
  EXPECT_FALSE(ParseTimestamp("2026-13-01 00:00:00"));
  EXPECT_FALSE(ParseTimestamp("2026-11-23 11:44:53 PST"));
}

TEST(TimeUtil, FormatsDurationsLikeTheSeeds) {
  EXPECT_EQ(FormatDuration(std::chrono::seconds(43196)), "11h59m56s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(45)), "45s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(90061)), "1d1h1m1s");
}

TEST(Expiry, OneSkewRuleForDisplayAndRefusal) {
  TimePoint now = *ParseTimestamp("2026-01-01 00:00:00");
  Connector c;
  EXPECT_EQ(ExpiresInText(c, now), "N/A");
  EXPECT_FALSE(HasExpired(c, now));
  c.expires_at = now + std::chrono::seconds(301);  // default skew is 300 s
  EXPECT_FALSE(HasExpired(c, now));
  EXPECT_EQ(ExpiresInText(c, now), "5m1s");
  c.expires_at = now + std::chrono::seconds(299);
  EXPECT_TRUE(HasExpired(c, now));
  EXPECT_EQ(ExpiresInText(c, now), "Expired!");
  c.expires_skew_tolerance = 0;
  EXPECT_FALSE(HasExpired(c, now));
}

// Found by fuzz_http_fields: years far from 1970 overflowed the clock's nanoseconds.
TEST(TimeUtilTest, FarYearsNeitherOverflowNorWrap) {
  auto year_zero = ParseTimestamp("0000-01-01T00:00:00Z");
  ASSERT_TRUE(year_zero);
  EXPECT_EQ(year_zero->time_since_epoch().count(), -62167219200);
  auto last = ParseTimestamp("9999-12-31T23:59:59Z");
  ASSERT_TRUE(last);
  EXPECT_EQ(FormatIso8601(*last), "9999-12-31T23:59:59Z");
  EXPECT_FALSE(ParseTimestamp("-999-01-01T00:00:00Z"));
}

TEST(TimeUtilTest, ClampedSecondsBoundsWhatPeersSend) {
  using std::chrono::seconds;
  EXPECT_EQ(ClampedSeconds(3599.9, seconds(86400)), seconds(3599));
  EXPECT_EQ(ClampedSeconds(1e300, seconds(86400)), seconds(86400));
  EXPECT_EQ(ClampedSeconds(-5, seconds(86400)), seconds(0));
  EXPECT_EQ(ClampedSeconds(std::nan(""), seconds(86400)), seconds(0));
}

}  // namespace
}  // namespace latchkey
