#include "auth/password_hash.h"

#include <argon2.h>
#include <gtest/gtest.h>

#include "common/strings.h"

namespace latchkey::auth {
namespace {

// Hashing is deliberately slow: one hash is shared by the tests that only read it.
class PasswordHashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto hashed = HashPassword("correct horse battery staple");
    ASSERT_TRUE(hashed) << hashed.error().message;
    encoded_ = new std::string(*hashed);
  }
  static void TearDownTestSuite() { delete encoded_; }
  static std::string const& Encoded() { return *encoded_; }

 private:
  static std::string* encoded_;
};
std::string* PasswordHashTest::encoded_ = nullptr;

// Replaces one character of the `index`th '$'-separated field with another valid one.
std::string Tamper(std::string encoded, size_t field) {
  std::vector<std::string> parts = Split(encoded, '$');
  char& c = parts[field][parts[field].size() / 2];
  c = c == 'A' ? 'B' : 'A';
  return Join(parts, "$");
}

std::string RawArgon2(argon2_type type, uint32_t t, uint32_t m, std::string const& password) {
  std::string salt(16, 's');
  char out[256];
  int rc = argon2_hash(t, m, 1, password.data(), password.size(), salt.data(), salt.size(), nullptr,
                       32, out, sizeof out, type, ARGON2_VERSION_13);
  EXPECT_EQ(rc, ARGON2_OK);
  return out;
}

TEST_F(PasswordHashTest, RoundTripsAndNamesItsParameters) {
  EXPECT_TRUE(StartsWith(Encoded(), "$argon2id$v=19$m=19456,t=2,p=1$")) << Encoded();
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", Encoded()));
  EXPECT_FALSE(NeedsRehash(Encoded()));
  std::vector<std::string> parts = Split(Encoded(), '$');
  ASSERT_EQ(parts.size(), 6u);
  EXPECT_EQ(parts[4].size(), 22u);  // 16-byte salt, base64 without padding
  EXPECT_EQ(parts[5].size(), 43u);  // 32-byte hash
}

TEST_F(PasswordHashTest, WrongPasswordIsRefused) {
  EXPECT_FALSE(VerifyPassword("correct horse battery stapl", Encoded()));
  EXPECT_FALSE(VerifyPassword("Correct horse battery staple", Encoded()));
  EXPECT_FALSE(VerifyPassword("", Encoded()));
  EXPECT_FALSE(VerifyPassword(std::string(2000, 'x'), Encoded()));
}

TEST_F(PasswordHashTest, TamperedSaltOrHashIsRefused) {
  EXPECT_FALSE(VerifyPassword("correct horse battery staple", Tamper(Encoded(), 4)));
  EXPECT_FALSE(VerifyPassword("correct horse battery staple", Tamper(Encoded(), 5)));
}

TEST_F(PasswordHashTest, MalformedEncodingsAreRefusedWithoutThrowing) {
  std::string const pw = "correct horse battery staple";
  std::string const& good = Encoded();
  std::vector<std::string> bad = {
      "",
      "garbage",
      "$argon2id$",
      good.substr(0, good.size() - 10),
      good + "$extra",
      good.substr(0, good.rfind('$')),
      "$argon2id$v=16" + good.substr(good.find("$m=")),
      "$argon2id$v=19$m=019456,t=2,p=1" + good.substr(good.find("$", good.find("$m=") + 1)),
      "$argon2id$v=19$m=-1,t=2,p=1" + good.substr(good.find("$", good.find("$m=") + 1)),
      "$argon2id$v=19$m=19456,t=0,p=1" + good.substr(good.find("$", good.find("$m=") + 1)),
      // Within the format but asking for 4 GiB: refused before argon2 tries to allocate it.
      "$argon2id$v=19$m=4194304,t=2,p=1" + good.substr(good.find("$", good.find("$m=") + 1)),
      std::string(good).replace(good.rfind('$') + 1, 1, "*"),
      std::string(good).insert(good.rfind('$') + 1, "="),
      std::string(5000, '$'),
  };
  for (std::string const& encoded : bad) {
    EXPECT_FALSE(VerifyPassword(pw, encoded)) << encoded;
    EXPECT_TRUE(NeedsRehash(encoded)) << encoded;
  }
}

TEST_F(PasswordHashTest, SamePasswordGetsAFreshSalt) {
  auto again = HashPassword("correct horse battery staple");
  ASSERT_TRUE(again);
  EXPECT_NE(*again, Encoded());
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", *again));
}

TEST(PasswordHash, RefusesEmptyAndOverlongPasswords) {
  auto empty = HashPassword("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  auto overlong = HashPassword(std::string(kMaxPasswordBytes + 1, 'x'));
  ASSERT_FALSE(overlong);
  EXPECT_EQ(overlong.error().code, ErrorCode::kInvalidArgument);
  auto longest = HashPassword(std::string(kMaxPasswordBytes, 'x'));
  ASSERT_TRUE(longest);
  EXPECT_TRUE(VerifyPassword(std::string(kMaxPasswordBytes, 'x'), *longest));
}

TEST(PasswordHash, RefusesParametersBelowTheMinimum) {
  auto weak = HashPassword("pw", PasswordHashParams{8 * 1024, 2, 1});
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(HashPassword("pw", PasswordHashParams{19 * 1024, 1, 1}));
}

TEST(PasswordHash, WeakOrForeignHashesStillVerifyButAskForARehash) {
  std::string weak = RawArgon2(Argon2_id, 1, 4096, "pw");
  EXPECT_TRUE(VerifyPassword("pw", weak));
  EXPECT_TRUE(NeedsRehash(weak));
  std::string fewer_passes = RawArgon2(Argon2_id, 1, 19 * 1024, "pw");
  EXPECT_TRUE(NeedsRehash(fewer_passes));
  // Argon2i is not accepted at all: only Argon2id hashes are ever produced.
  std::string argon2i = RawArgon2(Argon2_i, 2, 19 * 1024, "pw");
  EXPECT_FALSE(VerifyPassword("pw", argon2i));
  EXPECT_TRUE(NeedsRehash(argon2i));
}

TEST(PasswordHash, StrongerHashesNeedNoRehash) {
  std::string stronger = RawArgon2(Argon2_id, 3, 32 * 1024, "pw");
  EXPECT_TRUE(VerifyPassword("pw", stronger));
  EXPECT_FALSE(NeedsRehash(stronger));
}

}  // namespace
}  // namespace latchkey::auth
