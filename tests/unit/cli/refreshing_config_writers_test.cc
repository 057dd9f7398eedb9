// The connector-side writers that refreshing logins use: the credential_process command line
// and the kubeconfig exec user.
#include <gtest/gtest.h>

#include "connectors/aws/aws_config_files.h"
#include "connectors/kubernetes/kubeconfig_writer.h"
#include "connectors/kubernetes/kubeconfig_yaml.h"

namespace latchkey {
namespace {

TEST(ShellQuoteTest, QuotesOnlyWhatAShellWouldSplit) {
  EXPECT_EQ(aws::ShellQuote({"/usr/bin/latchkey", "credentials", "aws", "s3://b", "--x=1"}),
            "/usr/bin/latchkey credentials aws s3://b --x=1");
  EXPECT_EQ(aws::ShellQuote({"/home/me/my dir/latchkey", "it's", ""}),
            "'/home/me/my dir/latchkey' 'it'\\''s' ''");
}

TEST(KubeconfigExecTest, WritesAnExecUserAndKeepsOtherEntries) {
  std::string existing =
      "apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- name: fake\n  user:\n    token: "
      "old-static-token\n- name: other\n  user:\n    token: keep-me\ncontexts: []\n";
  KubernetesCredentials cluster;
  cluster.server = "https://127.0.0.1:6443";
  cluster.cluster_name = "fake";
  cluster.insecure = true;
  KubeconfigExec exec{
      "/opt/latchkey", {"credentials", "kubernetes", "id", "--resource-id", "fake"}, {}};
  auto text = MergeKubeconfigExecText(existing, "kubeconfig", cluster, exec);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text->find("old-static-token"), std::string::npos);
  EXPECT_NE(text->find("keep-me"), std::string::npos);
  auto root = ParseKubeconfigYaml(*text, "kubeconfig");
  ASSERT_TRUE(root);
  YAML::Node user = FindNamedEntry(YamlChild(*root, "users"), "fake");
  YAML::Node plugin = YamlChild(YamlChild(user, "user"), "exec");
  EXPECT_EQ(YamlString(plugin, "apiVersion"), "client.authentication.k8s.io/v1");
  EXPECT_EQ(YamlString(plugin, "command"), "/opt/latchkey");
  EXPECT_EQ(YamlString(plugin, "interactiveMode"), "Never");
  ASSERT_TRUE(IsYamlSequence(YamlChild(plugin, "args")));
  EXPECT_EQ(YamlChild(plugin, "args")[4].as<std::string>(), "fake");
  EXPECT_EQ(YamlString(*root, "current-context"), "fake");
}

}  // namespace
}  // namespace latchkey
