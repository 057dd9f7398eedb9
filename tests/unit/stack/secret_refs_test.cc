#include "stack/secret_refs.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

TEST(SecretRefsTest, ParsesWholeValueReferencesOnly) {
  auto r = ParseSecretReference("{{aws.aws_access_key_id}}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->secret, "aws");
  EXPECT_EQ(r->key, "aws_access_key_id");
  auto spaced = ParseSecretReference("{{ my-secret.key.with.dots }}");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->secret, "my-secret");
  EXPECT_EQ(spaced->key, "key.with.dots");
  for (std::string v : {"plain", "{{nodot}}", "{{.key}}", "{{name.}}", "x{{a.b}}", "{{a.b}}x",
                        "{{a b.c}}", "{{}}", "{{"}) {
    EXPECT_FALSE(ParseSecretReference(v)) << v;
  }
}

TEST(SecretRefsTest, ResolvesEachSecretOnceAndKeepsPlainValues) {
  int lookups = 0;
  auto lookup = [&](std::string const& name) -> Result<std::map<std::string, std::string>> {
    ++lookups;
    if (name != "aws")
      return Fail(ErrorCode::kNotFound, "no secret named or with ID '" + name + "'");
    return std::map<std::string, std::string>{{"id", "AKIA1"}, {"key", "s3cr3t"}};
  };
  auto out = ResolveSecretReferences(
      {{"path", "s3://b"}, {"key", "{{aws.id}}"}, {"secret", "{{aws.key}}"}}, lookup);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->at("path"), "s3://b");
  EXPECT_EQ(out->at("key"), "AKIA1");
  EXPECT_EQ(out->at("secret"), "s3cr3t");
  EXPECT_EQ(lookups, 1);
}

TEST(SecretRefsTest, ErrorsNameTheAttributeAndSecretButNoValue) {
  auto lookup = [](std::string const&) -> Result<std::map<std::string, std::string>> {
    return std::map<std::string, std::string>{{"other", "s3cr3t"}};
  };
  auto missing_key = ResolveSecretReferences({{"secret", "{{aws.key}}"}}, lookup);
  ASSERT_FALSE(missing_key);
  EXPECT_NE(missing_key.error().message.find("'secret'"), std::string::npos);
  EXPECT_NE(missing_key.error().message.find("'aws'"), std::string::npos);
  EXPECT_EQ(missing_key.error().message.find("s3cr3t"), std::string::npos);
  auto none = [](std::string const& n) -> Result<std::map<std::string, std::string>> {
    return Fail(ErrorCode::kNotFound, "no secret named or with ID '" + n + "'");
  };
  auto missing_secret = ResolveSecretReferences({{"key", "{{gone.id}}"}}, none);
  ASSERT_FALSE(missing_secret);
  EXPECT_EQ(missing_secret.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing_secret.error().message.find("attribute 'key'"), std::string::npos);
}

}  // namespace
}  // namespace latchkey
