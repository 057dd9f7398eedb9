#include "common/subprocess.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

TEST(SubprocessTest, CapturesBothStreamsAndTheExitStatus) {
  auto r = RunCapturingOutput({"sh", "-c", "echo out; echo err >&2; echo $EXTRA; exit 3"},
                              {{"EXTRA", "added"}}, std::chrono::seconds(10));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_status, 3);
  EXPECT_EQ(r->stdout_text, "out\nadded\n");
  EXPECT_EQ(r->stderr_text, "err\n");
}

TEST(SubprocessTest, AProgramThatHangsIsKilledAtTheDeadline) {
  auto r = RunCapturingOutput({"sleep", "30"}, {}, std::chrono::milliseconds(200));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
}

TEST(SubprocessTest, RunawayOutputIsRefused) {
  auto r = RunCapturingOutput({"yes"}, {}, std::chrono::seconds(10), 1 << 16);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("printed too much"), std::string::npos);
}

TEST(SubprocessTest, AMissingProgramIsAClearError) {
  auto r = RunCapturingOutput({"no-such-program-latchkey"}, {}, std::chrono::seconds(10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("no-such-program-latchkey"), std::string::npos);
}

}  // namespace
}  // namespace latchkey
