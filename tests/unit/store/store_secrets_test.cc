// Conformance: user secrets, hidden internal secrets, sealed bytes and key-rotation re-sealing.
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

Result<EncryptedValue> Rotate(std::string const&, EncryptedValue const& v) {
  return EncryptedValue{v.key, "k2", v.sealed + "!"};
}

TEST_P(StoreTest, UserSecretsAndReseal) {
  SecretRecord s = MakeUserSecret("aws");
  ASSERT_TRUE(store_->CreateSecret(s));
  auto internal = MakeInternalSecret(crypto::NewUuid());
  ASSERT_TRUE(store_->CreateSecret(internal));
  EXPECT_EQ(store_->ListSecrets({})->size(), 1u);  // internal secrets are hidden
  EXPECT_FALSE(store_->FindSecret(internal.name));
  EXPECT_FALSE(store_->FindSecret(internal.id));
  EXPECT_TRUE(store_->GetSecretById(internal.id)) << "connectors still reach theirs by ID";
  auto count = store_->ResealAll(Rotate);
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(*count, 3u);
  EXPECT_EQ(store_->FindSecret("aws")->values[0].key_id, "k2");
  EXPECT_EQ(store_->FindSecret("aws")->values[0].sealed, "x!");
  auto failing =
      store_->ResealAll([](std::string const&, EncryptedValue const&) -> Result<EncryptedValue> {
        return Fail(ErrorCode::kInternal, "boom");
      });
  ASSERT_FALSE(failing);
  EXPECT_EQ(failing.error().message, "boom");
  EXPECT_EQ(store_->FindSecret("aws")->values[0].key_id, "k2") << "a failed reseal changes nothing";
}

// Issue 14 (10): what tells a lost key file from a first use.
TEST_P(StoreTest, HasSealedValuesCountsConnectorSecretsToo) {
  EXPECT_FALSE(*store_->HasSealedValues());
  ASSERT_TRUE(store_->CreateSecret(MakeInternalSecret(crypto::NewUuid())));
  EXPECT_TRUE(*store_->HasSealedValues());
}

TEST_P(StoreTest, ResealFailingHalfwayChangesNothing) {
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("one")));
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("two")));
  int calls = 0;
  auto r = store_->ResealAll([&](std::string const& id, EncryptedValue const& v) {
    return ++calls == 2 ? Result<EncryptedValue>(Fail(ErrorCode::kInternal, "second fails"))
                        : Rotate(id, v);
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(store_->FindSecret("one")->values[0].key_id, "k1");
  EXPECT_EQ(store_->FindSecret("two")->values[0].key_id, "k1");
}

TEST_P(StoreTest, SealedBytesRoundTripExactly) {
  SecretRecord s = MakeUserSecret("binary");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);  // NULs, high bytes, quotes
  s.values = {{"blob", "k1", bytes}, {"empty", "k1", ""}};
  ASSERT_TRUE(store_->CreateSecret(s));
  auto read = store_->GetSecretById(s.id);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->values.size(), 2u);
  EXPECT_EQ(read->values[0].key, "blob");
  EXPECT_EQ(read->values[0].sealed, bytes);
  EXPECT_EQ(read->values[1].sealed, "");
  // Listing shows keys only.
  auto listed = store_->ListSecrets({});
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].values[0].key, "blob");
  EXPECT_EQ((*listed)[0].values[0].sealed, "");
}

TEST_P(StoreTest, UpdateSecretReplacesNameAndValues) {
  SecretRecord s = MakeUserSecret("before");
  s.values = {{"a", "k1", "1"}, {"b", "k1", "2"}};
  ASSERT_TRUE(store_->CreateSecret(s));
  s.name = "after";
  s.values = {{"c", "k1", "3"}};
  s.updated = s.created + std::chrono::seconds(60);
  ASSERT_TRUE(store_->UpdateSecret(s));
  auto read = store_->FindSecret("after");
  ASSERT_TRUE(read);
  ASSERT_EQ(read->values.size(), 1u);
  EXPECT_EQ(read->values[0].key, "c");
  EXPECT_EQ(read->updated, s.updated);
  EXPECT_FALSE(store_->FindSecret("before"));

  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("taken")));
  s.name = "taken";
  auto clash = store_->UpdateSecret(s);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(clash.error().message, "a secret named 'taken' already exists");
  EXPECT_EQ(store_->FindSecret(s.id)->name, "after") << "nothing changed";
  EXPECT_EQ(store_->FindSecret(s.id)->values.size(), 1u);

  SecretRecord ghost = MakeUserSecret("ghost");
  EXPECT_EQ(store_->UpdateSecret(ghost).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, DuplicateSecretNameIsRefused) {
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("dup")));
  auto r = store_->CreateSecret(MakeUserSecret("dup"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(r.error().message, "a secret named 'dup' already exists");
}

TEST_P(StoreTest, DeleteSecretTakesItsValuesAndSparesInternalOnes) {
  SecretRecord s = MakeUserSecret("gone");
  s.values = {{"a", "k1", "1"}, {"b", "k1", "2"}};
  ASSERT_TRUE(store_->CreateSecret(s));
  auto internal = MakeInternalSecret(crypto::NewUuid());
  ASSERT_TRUE(store_->CreateSecret(internal));
  ASSERT_TRUE(store_->DeleteSecret(s.id));
  EXPECT_EQ(store_->FindSecret("gone").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteSecret(s.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteSecret(internal.id).error().code, ErrorCode::kNotFound)
      << "a connector's own secret is not deleted as a user secret";
  // Only the internal secret's two values are left: the deleted secret's values cascaded.
  EXPECT_EQ(*store_->ResealAll(Rotate), 2u);
  // Its ID (and the keys' primary key) can be used again.
  ASSERT_TRUE(store_->CreateSecret(s));
}

TEST_P(StoreTest, SecretPrefixLookup) {
  SecretRecord s = MakeUserSecret("pre");
  ASSERT_TRUE(store_->CreateSecret(s));
  EXPECT_EQ(store_->FindSecret(s.id.substr(0, 5))->name, "pre");
  auto missing = store_->FindSecret("zzz");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no secret named or with ID 'zzz'");
}

}  // namespace
}  // namespace latchkey::testing
