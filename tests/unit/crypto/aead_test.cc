#include "crypto/aead.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace latchkey::crypto
