#include "cli/short_flags.h"

#include <gtest/gtest.h>

namespace latchkey::cli {
namespace {

using Args = std::vector<std::string>;

TEST(ExpandMultiLetterFlagsTest, RewritesStandaloneRi) {
  EXPECT_EQ(ExpandMultiLetterFlags({"service-connector", "describe", "x", "-ri", "s3://b"}),
            (Args{"service-connector", "describe", "x", "--resource-id", "s3://b"}));
}

TEST(ExpandMultiLetterFlagsTest, RewritesRiWithAttachedValue) {
  EXPECT_EQ(ExpandMultiLetterFlags({"verify", "x", "-ri=s3://b"}),
            (Args{"verify", "x", "--resource-id=s3://b"}));
  EXPECT_EQ(ExpandMultiLetterFlags({"-ri="}), (Args{"--resource-id="}));
}

TEST(ExpandMultiLetterFlagsTest, LeavesValuesAndOtherWordsAlone) {
  Args args{"register", "x",    "--description=-ri", "--password=a-ri", "-rig", "-r", "ri", "--ri",
            "x-ri",     "-ri-x"};
  EXPECT_EQ(ExpandMultiLetterFlags(args), args);
}

TEST(ExpandMultiLetterFlagsTest, StopsAtDoubleDash) {
  EXPECT_EQ(ExpandMultiLetterFlags({"exec", "x", "-ri", "b", "--", "tool", "-ri", "c"}),
            (Args{"exec", "x", "--resource-id", "b", "--", "tool", "-ri", "c"}));
}

TEST(ExpandMultiLetterFlagsTest, EmptyStaysEmpty) { EXPECT_EQ(ExpandMultiLetterFlags({}), Args{}); }

}  // namespace
}  // namespace latchkey::cli
