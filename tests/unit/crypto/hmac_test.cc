#include "crypto/hmac.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"

namespace latchkey::crypto {
namespace {

std::string HexHmacOf(std::string_view key, std::string_view data) {
  return HexEncode(HmacSha256(key, data));
}

// RFC 4231 test cases 1 and 2.
constexpr char kRfc4231Key1[] =
    "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b";
constexpr char kRfc4231Mac1[] = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
constexpr char kRfc4231Mac2[] = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

TEST(HmacSha256, MatchesRfc4231) {
  EXPECT_EQ(HexHmacOf(kRfc4231Key1, "Hi There"), kRfc4231Mac1);
  EXPECT_EQ(HexHmacOf("Jefe", "what do ya want for nothing?"), kRfc4231Mac2);
}

// A repeated key restarts the thread's context without re-keying it: every order of keys and
// messages still gives each pair's own MAC.
TEST(HmacSha256, RepeatedAndAlternatingKeysGiveEachPairsMac) {
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(HexHmacOf(kRfc4231Key1, "Hi There"), kRfc4231Mac1);
    EXPECT_EQ(HexHmacOf(kRfc4231Key1, "Hi There"), kRfc4231Mac1);
    EXPECT_EQ(HexHmacOf("Jefe", "what do ya want for nothing?"), kRfc4231Mac2);
    EXPECT_EQ(HexHmacOf("Jefe", "what do ya want for nothing?"), kRfc4231Mac2);
    EXPECT_EQ(HexHmacOf(kRfc4231Key1, "Hi There"), kRfc4231Mac1);
  }
  // A key that is a prefix of the last one is another key.
  EXPECT_NE(HexHmacOf("Jef", "what do ya want for nothing?"), kRfc4231Mac2);
  EXPECT_EQ(HexHmacOf("Jefe", "what do ya want for nothing?"), kRfc4231Mac2);
}

}  // namespace
}  // namespace latchkey::crypto
