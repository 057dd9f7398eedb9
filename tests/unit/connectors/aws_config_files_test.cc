#include "connectors/aws/aws_config_files.h"

#include <gtest/gtest.h>

#include "common/strings.h"
#include "temp_files.h"

namespace latchkey::aws {
namespace {

class AwsConfigFilesTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  Environment env_{{{"AWS_CONFIG_FILE", dir_.File("config")},
                    {"AWS_SHARED_CREDENTIALS_FILE", dir_.File("credentials")}}};
};

TEST_F(AwsConfigFilesTest, WrittenProfileReadsBackAndKeepsTheRest) {
  testing::WriteText(dir_.File("config"), "[default]\nregion = eu-west-1\n# mine\n");
  ASSERT_TRUE(WriteProfile(env_, "latchkey-1", {{"aws_access_key_id", "AKIA1"}},
                           {{"region", "us-east-1"}, {"endpoint_url", ""}}));
  IniSection loaded = LoadProfile(env_, "latchkey-1");
  EXPECT_EQ(loaded, (IniSection{{"aws_access_key_id", "AKIA1"}, {"region", "us-east-1"}}));
  EXPECT_EQ(LoadProfile(env_, "default"), (IniSection{{"region", "eu-west-1"}}));
  std::string text;
  ASSERT_TRUE(ReadFile(dir_.File("config"), text));
  EXPECT_NE(text.find("# mine\n"), std::string::npos);
  EXPECT_EQ(text.find("endpoint_url"), std::string::npos);  // empty values are left out
}

// Found by fuzz_aws_ini: a newline in a value (a connector's region, chosen by its owner) wrote a
// line of its own into the user's ~/.aws/config, e.g. a credential_process that runs anything.
TEST_F(AwsConfigFilesTest, ValuesAndNamesThatWouldNotReadBackAreRefused) {
  testing::WriteText(dir_.File("config"), "[default]\nregion = eu-west-1\n");
  auto injected = WriteProfile(env_, "p", {{"aws_access_key_id", "AKIA1"}},
                               {{"region", "us-east-1\ncredential_process = /tmp/evil"}});
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(injected.error().message.find("the value of region"), std::string::npos);
  EXPECT_EQ(injected.error().message.find("evil"), std::string::npos);  // values may be secrets
  EXPECT_FALSE(WriteProfile(env_, "p\n[default]", {}, {{"region", "us-east-1"}}));
  EXPECT_FALSE(WriteProfile(env_, "p ", {}, {{"region", "us-east-1"}}));
  EXPECT_FALSE(WriteProcessProfile(env_, "p", {{"credential_process", " x"}}));
  std::string text;
  ASSERT_TRUE(ReadFile(dir_.File("config"), text));
  EXPECT_EQ(text, "[default]\nregion = eu-west-1\n");
}

}  // namespace
}  // namespace latchkey::aws
