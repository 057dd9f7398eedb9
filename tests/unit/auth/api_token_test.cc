#include "auth/api_token.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/encoding.h"

namespace latchkey::auth {
namespace {

TEST(ApiToken, HasThePrefixAnd32RandomBytesInBase64Url) {
  std::string token = NewApiToken();
  ASSERT_EQ(token.size(), 46u) << token;
  EXPECT_EQ(token.substr(0, 3), "lk_");
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 3),
            std::string::npos)
      << token;
  auto bytes = crypto::Base64Decode(token.substr(3));
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 32u);
  EXPECT_TRUE(LooksLikeApiToken(token));
}

TEST(ApiToken, TokensAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewApiToken());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(ApiToken, HashIsLowercaseHexSha256OfTheWholeToken) {
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string token = NewApiToken();
  EXPECT_EQ(TokenHash(token).size(), 64u);
  EXPECT_NE(TokenHash(token), TokenHash(token.substr(3)));
}

TEST(ApiToken, RecognisesOnlyTheTokenShape) {
  std::string token = NewApiToken();
  EXPECT_FALSE(LooksLikeApiToken(""));
  EXPECT_FALSE(LooksLikeApiToken("lk_"));
  EXPECT_FALSE(LooksLikeApiToken(token.substr(3)));
  EXPECT_FALSE(LooksLikeApiToken("LK_" + token.substr(3)));
  EXPECT_FALSE(LooksLikeApiToken(token + "A"));
  EXPECT_FALSE(LooksLikeApiToken(token.substr(0, token.size() - 1)));
  EXPECT_FALSE(LooksLikeApiToken(token.substr(0, 10) + "+" + token.substr(11)));
  EXPECT_FALSE(LooksLikeApiToken(token.substr(0, 10) + "=" + token.substr(11)));
}

}  // namespace
}  // namespace latchkey::auth
