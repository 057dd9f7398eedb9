#include "core/input_limits.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

TEST(InputLimits, NamesAreBoundedAndFreeOfControlCharacters) {
  EXPECT_TRUE(CheckName("secret name", "prod-registry.ü"));
  EXPECT_TRUE(CheckName("secret name", std::string(kMaxNameBytes, 'n')));
  auto too_long = CheckName("secret name", std::string(kMaxNameBytes + 1, 'n'));
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_long.error().message.find("128 bytes"), std::string::npos);
  auto escape = CheckName("secret name", "x\x1b]52;c;aGk=\x07");
  ASSERT_FALSE(escape);
  // The hostile text itself is never repeated.
  EXPECT_EQ(escape.error().message.find("\x1b"), std::string::npos);
  EXPECT_FALSE(CheckName("secret name", "a\nb"));
  EXPECT_FALSE(CheckName("secret name", "a\xe2\x80\xae"));
}

TEST(InputLimits, LabelsDescriptionsValuesAndLifetimes) {
  EXPECT_TRUE(CheckLabels({{"env", "prod \x1b[31m red"}}));  // values: bounded, shown inert
  EXPECT_FALSE(CheckLabels({{"e\nv", "prod"}}));
  EXPECT_FALSE(CheckLabels({{"", "x"}}));
  EXPECT_FALSE(CheckLabels({{"env", std::string(kMaxLabelValueBytes + 1, 'v')}}));
  std::map<std::string, std::string> many;
  for (size_t i = 0; i <= kMaxLabels; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_FALSE(CheckLabels(many));
  EXPECT_TRUE(CheckDescription(std::string(kMaxDescriptionBytes, 'd')));
  EXPECT_FALSE(CheckDescription(std::string(kMaxDescriptionBytes + 1, 'd')));
  EXPECT_TRUE(CheckValueSize("--password", kMaxValueBytes));
  auto big = CheckValueSize("--password", kMaxValueBytes + 1);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("1048576"), std::string::npos);
  EXPECT_FALSE(CheckSeconds("ttl_seconds", INT64_MAX, kMaxLifetimeSeconds, false));
  EXPECT_FALSE(CheckSeconds("ttl_seconds", 0, kMaxLifetimeSeconds, false));
  EXPECT_TRUE(CheckSeconds("ttl_seconds", 3600, kMaxLifetimeSeconds, false));
  EXPECT_TRUE(CheckSeconds("expires_skew_tolerance", 0, kMaxSkewToleranceSeconds, true));
}

}  // namespace
}  // namespace latchkey
