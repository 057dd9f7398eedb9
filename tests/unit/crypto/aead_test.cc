#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "crypto/encoding.h"
#include "crypto/random.h"

namespace latchkey::crypto {
namespace {

TEST(Aead, SealThenOpenRoundTrips) {
  std::string key = RandomBytes(kAeadKeySize);
  auto sealed = AeadSeal(key, "hunter2", "record-1");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->find("hunter2"), std::string::npos);
  auto opened = AeadOpen(key, *sealed, "record-1");
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "hunter2");
}

TEST(Aead, FreshNoncePerValue) {
  std::string key = RandomBytes(kAeadKeySize);
  EXPECT_NE(*AeadSeal(key, "same", "ad"), *AeadSeal(key, "same", "ad"));
}

TEST(Aead, TamperedCiphertextIsRefused) {
  std::string key = RandomBytes(kAeadKeySize);
  auto sealed = *AeadSeal(key, "secret value", "ad");
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(AeadOpen(key, bad, "ad")) << "byte " << i;
  }
}

TEST(Aead, OtherRecordOrKeyIsRefused) {
  std::string key = RandomBytes(kAeadKeySize);
  auto sealed = *AeadSeal(key, "v", "record-1");
  EXPECT_FALSE(AeadOpen(key, sealed, "record-2"));
  EXPECT_FALSE(AeadOpen(RandomBytes(kAeadKeySize), sealed, "record-1"));
  EXPECT_FALSE(AeadOpen(key, sealed.substr(0, 10), "record-1"));
}

TEST(Encoding, Base64RoundTripAndUrlSafe) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00\x01"}) {
    auto enc = Base64Encode(s);
    auto dec = Base64Decode(enc);
    ASSERT_TRUE(dec);
    EXPECT_EQ(*dec, s);
  }
  EXPECT_EQ(*Base64Decode("-_8"), *Base64Decode("+/8="));
  EXPECT_FALSE(Base64Decode("not base64!"));
}

TEST(Random, UuidShape) {
  std::string id = NewUuid();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(NewUuid(), id);
}

TEST(Random, TimeOrderedUuidsSortInTheOrderTheyWereMade) {
  std::string first = NewTimeOrderedUuid();
  ASSERT_EQ(first.size(), 36u);
  EXPECT_EQ(first[14], '7');
  EXPECT_NE(std::string("89ab").find(first[19]), std::string::npos) << "the RFC 9562 variant";
  // The first 48 bits are the milliseconds since the epoch.
  auto millis = std::stoull(first.substr(0, 8) + first.substr(9, 4), nullptr, 16);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_LE(millis, static_cast<unsigned long long>(now));
  EXPECT_GE(millis + 1000, static_cast<unsigned long long>(now));
  std::string previous = first;
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    std::string next = NewTimeOrderedUuid();
    EXPECT_LT(previous, next) << "made " << i << " after";
    previous = next;
  }
}

}  // namespace
}  // namespace latchkey::crypto
