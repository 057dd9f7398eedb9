#include "common/inert_text.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

TEST(InertText, RefusedCharactersInNames) {
  EXPECT_FALSE(HasUnsafeText("registry-1.example_ü"));
  EXPECT_FALSE(HasUnsafeText("emoji 📦 and spaces"));
  // OSC 52 (clipboard write), a forged table row, CR, DEL, C1 CSI, bidi override and isolate.
  for (std::string bad :
       {std::string("x\x1b]52;c;aGk=\x07"), std::string("a\nb"), std::string("a\rb"),
        std::string("a\x7f"), std::string("a\xc2\x9b"), std::string("a\xe2\x80\xae"),
        std::string("a\xe2\x81\xa6"), std::string("a\0b", 3), std::string("\xff\xfe"),
        std::string("\xc0\xaf") /* overlong '/' */, std::string("\xed\xa0\x80") /* surrogate */}) {
    EXPECT_TRUE(HasUnsafeText(bad)) << InertText(bad);
  }
}

TEST(InertText, EscapesVisiblyAndKeepsTheRest) {
  EXPECT_EQ(InertText("plain ü 📦"), "plain ü 📦");
  EXPECT_EQ(InertText("x\x1b]52;c;aGk=\x07"), "x\\x1b]52;c;aGk=\\x07");
  EXPECT_EQ(InertText("a\nb\tc"), "a\\x0ab\\x09c");
  EXPECT_EQ(InertText("a\xc2\x9b"
                      "b"),
            "a\\u009bb");
  EXPECT_EQ(InertText("evil\xe2\x80\xaetxt.exe"), "evil\\u202etxt.exe");
  EXPECT_EQ(InertText("bad\xff"), "bad\\xff");
  for (std::string hostile : {"\x1b[2J", "\x9b", "\xe2\x81\xa9", "\x7f"}) {
    EXPECT_FALSE(HasUnsafeText(InertText(hostile))) << InertText(hostile);
  }
}

TEST(InertText, TruncatedIsBoundedAndCutsWholeCharacters) {
  EXPECT_EQ(Truncated("short", 10), "short");
  std::string big(1 << 20, 'a');
  std::string cut = Truncated(big, 256);
  EXPECT_LT(cut.size(), 300u);
  EXPECT_EQ(cut, std::string(256, 'a') + "...[1048320 more bytes]");
  // "ü" is two bytes: a cut in its middle backs off to before it.
  EXPECT_EQ(Truncated("aü", 2), "a...[2 more bytes]");
}

}  // namespace
}  // namespace latchkey
