// The spinner of slow calls (issue 17): drawn on a terminal only, erased when the call returns,
// its message made inert.
#include "cli/spinner.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "cli/progress_bar.h"
#include "cli/status_line.h"

namespace latchkey::cli {
namespace {

using std::chrono::milliseconds;

TEST(Spinner, DrawsFramesOnATerminalAndErasesThemWhenStopped) {
  std::ostringstream out;
  {
    Spinner spinner(out, true, "Registering service connector 'aws-s3'...", milliseconds(0));
    std::this_thread::sleep_for(Spinner::kFrameInterval * 3);
    spinner.Stop();
  }
  std::string drawn = out.str();
  EXPECT_NE(drawn.find("⠋ Registering service connector 'aws-s3'..."), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("⠙ Registering"), std::string::npos) << "the frame advances: " << drawn;
  // It ends by erasing its line, so the result printed next starts on a clean line.
  std::string const erase = "\r\x1b[2K";
  ASSERT_GE(drawn.size(), erase.size());
  EXPECT_EQ(drawn.substr(drawn.size() - erase.size()), erase);
}

TEST(Spinner, WritesNothingWhenNotATerminal) {
  std::ostringstream out;
  {
    Spinner spinner(out, false, "Verifying service connector 'x'...", milliseconds(0));
    std::this_thread::sleep_for(Spinner::kFrameInterval * 2);
  }
  EXPECT_EQ(out.str(), "");
}

TEST(Spinner, AFastCallShowsNothing) {
  std::ostringstream out;
  {
    Spinner spinner(out, true, "Verifying service connector 'x'...", milliseconds(2000));
  }  // returns long before the delay
  EXPECT_EQ(out.str(), "");
}

TEST(Spinner, TheMessageIsInert) {
  std::ostringstream out;
  {
    Spinner spinner(out, true, "Registering service connector 'a\x1b]52;c;eA==\x07'...",
                    milliseconds(0));
    std::this_thread::sleep_for(Spinner::kFrameInterval);
  }
  std::string drawn = out.str();
  EXPECT_NE(drawn.find("'a\\x1b]52;c;eA==\\x07'"), std::string::npos) << drawn;
  EXPECT_EQ(drawn.find('\x07'), std::string::npos);
  // The only ESC bytes are the spinner's own erase-line sequences.
  for (size_t at = drawn.find('\x1b'); at != std::string::npos; at = drawn.find('\x1b', at + 1)) {
    EXPECT_EQ(drawn.compare(at, 4, "\x1b[2K"), 0) << drawn.substr(at);
  }
}

TEST(StatusLine, ClearAndFinishOnlyAfterADrawing) {
  std::ostringstream out;
  StatusLine line(out, true);
  line.Clear();
  line.Finish();
  EXPECT_EQ(out.str(), "");
  line.Draw("50%");
  line.Finish();
  EXPECT_EQ(out.str(), "\r\x1b[2K50%\n");
  std::ostringstream piped;
  StatusLine off(piped, false);
  off.Draw("50%");
  off.Finish();
  EXPECT_EQ(piped.str(), "");
}

}  // namespace
}  // namespace latchkey::cli
