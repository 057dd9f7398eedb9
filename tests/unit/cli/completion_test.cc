#include "cli/completion.h"

#include <gtest/gtest.h>

#include "cli/app.h"

namespace latchkey::cli {
namespace {

using Words = std::vector<std::string>;

class CompletionTest : public ::testing::Test {
 protected:
  CompletionTest() : state_(Environment{}) {
    BuildCommandTree(app_, state_);
    sources_.connectors = [this](std::string const& prefix) {
      asked_prefix_ = prefix;
      return Words{"aws-s3", "aws-eks", "evil\x1b]52;c;x\x07", "k8s"};
    };
    sources_.secrets = [](std::string const&) { return Words{"db-creds"}; };
  }
  Words Complete(Words words) { return CompleteCommandLine(app_, std::move(words), sources_); }
  bool Has(Words const& got, std::string const& w) {
    return std::find(got.begin(), got.end(), w) != got.end();
  }

  CliState state_;
  CLI::App app_{"test", "latchkey"};
  CompletionSources sources_;
  std::string asked_prefix_;
};

TEST_F(CompletionTest, CommandsAndSubcommandsByPrefix) {
  Words top = Complete({""});
  EXPECT_TRUE(Has(top, "service-connector"));
  EXPECT_TRUE(Has(top, "secret"));
  EXPECT_TRUE(Has(top, "completion"));
  EXPECT_FALSE(Has(top, "__complete")) << "hidden commands are not offered";
  EXPECT_EQ(Complete({"service-connector", "list-"}), (Words{"list-resources", "list-types"}));
  EXPECT_EQ(Complete({"connector", "desc"}), (Words{"describe", "describe-type"}));
}

TEST_F(CompletionTest, FlagsOfTheCurrentCommand) {
  Words flags = Complete({"service-connector", "verify", "x", "--"});
  EXPECT_TRUE(Has(flags, "--resource-id"));
  EXPECT_TRUE(Has(flags, "--verify-only"));
  EXPECT_FALSE(Has(flags, "--auto-configure"));
  EXPECT_EQ(Complete({"service-connector", "list-types", "--det"}), (Words{"--detailed"}));
}

TEST_F(CompletionTest, ConnectorNamesInertOnly) {
  EXPECT_EQ(Complete({"service-connector", "describe", "aws"}), (Words{"aws-eks", "aws-s3"}));
  EXPECT_EQ(asked_prefix_, "aws");
  Words all = Complete({"service-connector", "verify", ""});
  EXPECT_EQ(all, (Words{"aws-eks", "aws-s3", "k8s"})) << "a name with controls is never printed";
  // Only the first positional is a connector; a flag's value is skipped when walking.
  EXPECT_EQ(Complete({"service-connector", "login", "-r", "s3-bucket", "k"}), (Words{"k8s"}));
  EXPECT_EQ(Complete({"artifact-store", "connect", "s", "-c", "k"}), (Words{"k8s"}));
}

TEST_F(CompletionTest, TypesAuthMethodsAndResourceTypes) {
  EXPECT_TRUE(Has(Complete({"service-connector", "register", "x", "--type", ""}), "docker"));
  EXPECT_EQ(Complete({"service-connector", "describe-type", "kube"}), (Words{"kubernetes"}));
  // An auth method of the type already chosen.
  Words methods = Complete({"service-connector", "register", "x", "-t", "docker", "-a", ""});
  EXPECT_EQ(methods, (Words{"password"}));
  Words rts = Complete({"service-connector", "register", "x", "--type", "aws", "-r", ""});
  EXPECT_TRUE(Has(rts, "s3-bucket"));
  EXPECT_FALSE(Has(rts, "gcs-bucket"));
  EXPECT_TRUE(Has(Complete({"service-connector", "list-resources", "-r", ""}), "gcs-bucket"));
  EXPECT_EQ(Complete({"service-connector", "list", "-o", "y"}), (Words{"yaml"}));
}

TEST_F(CompletionTest, MultiLetterShortFlagTakesItsValue) {
  // "-ri VALUE" is walked as --resource-id: the word after its value is the connector again.
  EXPECT_EQ(Complete({"service-connector", "describe", "-ri", "s3://b", "aws-s"}),
            (Words{"aws-s3"}));
}

// Issue 17: `--opt=value`. zsh passes it as one word and inserts the whole candidate; bash
// splits at '=' (a word of its own) and replaces only what follows it.
TEST_F(CompletionTest, OptionValuesAfterAnEqualsSign) {
  EXPECT_EQ(Complete({"service-connector", "register", "--type=a"}),
            (Words{"--type=aws", "--type=azure"}));
  EXPECT_EQ(Complete({"service-connector", "register", "--type", "=", "a"}),
            (Words{"aws", "azure"}));
  Words after_equals = Complete({"service-connector", "register", "--type", "="});
  EXPECT_TRUE(Has(after_equals, "docker")) << "the '=' itself is not the value's prefix";
  EXPECT_TRUE(Has(after_equals, "gcp"));
  // A value given with '=' is remembered: the auth methods are those of that type.
  Words methods = Complete({"service-connector", "register", "--type=docker", "--auth-method="});
  EXPECT_EQ(methods, (Words{"--auth-method=password"}));
  EXPECT_EQ(Complete({"service-connector", "describe", "x", "--output=j"}),
            (Words{"--output=json"}));
  // Names from the store are offered this way too, and still only the inert ones.
  EXPECT_EQ(Complete({"artifact-store", "connect", "s3", "--connector=aws-"}),
            (Words{"--connector=aws-eks", "--connector=aws-s3"}));
  EXPECT_EQ(asked_prefix_, "aws-");
  EXPECT_EQ(Complete({"artifact-store", "connect", "s3", "--connector=ev"}), Words{});
  // An unknown option's value is nothing we can complete.
  EXPECT_EQ(Complete({"service-connector", "register", "--bogus=a"}), Words{});
}

TEST_F(CompletionTest, SecretNamesAndNothingAfterDoubleDash) {
  EXPECT_EQ(Complete({"secret", "get", ""}), (Words{"db-creds"}));
  EXPECT_EQ(Complete({"secret", "create", ""}), Words{});
  EXPECT_EQ(Complete({"exec", "aws-s3", "--", "a"}), Words{});
}

}  // namespace
}  // namespace latchkey::cli
