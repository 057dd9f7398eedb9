#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "connectors/kubernetes/kubeconfig_reader.h"
#include "connectors/kubernetes/kubernetes_connector.h"
#include "connectors/kubernetes_test_pems.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"
#include "temp_files.h"

namespace latchkey {
namespace {

namespace fs = std::filesystem;

using testing::kCaPem;
using testing::kCertPem;
using testing::kKeyPem;
using testing::TempDir;
using testing::WriteText;

class KubernetesAutoConfigureTest : public ::testing::Test {
 protected:
  Result<Connector> AutoConfigure(OptString auth_method = std::nullopt,
                                  OptString resource_id = std::nullopt) {
    Context ctx{http_, Now(), Environment{}};
    ctx.env.Set("HOME", dir_.File("home"));
    if (kubeconfig_) ctx.env.Set("KUBECONFIG", *kubeconfig_);
    return type_->AutoConfigure(ctx, auth_method, "kubernetes-cluster", resource_id);
  }

  TempDir dir_;
  std::optional<std::string> kubeconfig_;
  testing::FakeHttpClient http_;
  std::unique_ptr<ConnectorType> type_ = MakeKubernetesConnectorType();
};

std::string TokenKubeconfig() {
  return "apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters:\n"
         "- name: kind-dev\n  cluster:\n    server: https://127.0.0.1:41234/\n"
         "    certificate-authority-data: " +
         crypto::Base64Encode(kCaPem) +
         "\n"
         "- name: staging-cluster\n  cluster:\n    server: https://staging.example\n"
         "    insecure-skip-tls-verify: true\n"
         "contexts:\n"
         "- name: dev\n  context: {cluster: kind-dev, user: dev-user}\n"
         "- name: staging\n  context: {cluster: staging-cluster, user: staging-user}\n"
         "users:\n"
         "- name: dev-user\n  user:\n    token: dev-token-abc\n"
         "- name: staging-user\n  user:\n    username: admin\n    password: pw\n";
}

TEST_F(KubernetesAutoConfigureTest, TokenUserOfTheCurrentContext) {
  kubeconfig_ = dir_.File("config");
  WriteText(*kubeconfig_, TokenKubeconfig());
  auto c = AutoConfigure();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->connector_type, "kubernetes");
  EXPECT_EQ(c->auth_method, "token");
  EXPECT_EQ(c->resource_types, (std::vector<std::string>{"kubernetes-cluster"}));
  EXPECT_EQ(c->resource_id, "kind-dev");
  EXPECT_EQ(c->configuration["server"], "https://127.0.0.1:41234");
  EXPECT_EQ(c->configuration["cluster_name"], "kind-dev");
  EXPECT_EQ(c->configuration["insecure"], false);
  EXPECT_EQ(c->secrets.at("token"), "dev-token-abc");
  EXPECT_EQ(c->secrets.at("certificate_authority"), kCaPem);
  EXPECT_EQ(c->secrets.count("username"), 0u);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(KubernetesAutoConfigureTest, ResourceIdPicksAContextOrACluster) {
  kubeconfig_ = dir_.File("config");
  WriteText(*kubeconfig_, TokenKubeconfig());
  for (auto const* wanted : {"staging", "staging-cluster"}) {
    auto c = AutoConfigure(std::nullopt, std::string(wanted));
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_EQ(c->auth_method, "password");
    EXPECT_EQ(c->configuration["cluster_name"], "staging-cluster");
    EXPECT_EQ(c->configuration["insecure"], true);
    EXPECT_EQ(c->secrets.at("username"), "admin");
    EXPECT_EQ(c->secrets.at("password"), "pw");
    EXPECT_EQ(c->secrets.count("certificate_authority"), 0u);
  }
  auto missing = AutoConfigure(std::nullopt, std::string("nope"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(KubernetesAutoConfigureTest, RequestedMethodMustMatchTheUser) {
  kubeconfig_ = dir_.File("config");
  WriteText(*kubeconfig_, TokenKubeconfig());
  auto wrong = AutoConfigure(std::string("password"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find("dev-user"), std::string::npos);
  EXPECT_FALSE(AutoConfigure(std::string("iam-role")).has_value());
}

TEST_F(KubernetesAutoConfigureTest, ClientCertificateDataUser) {
  kubeconfig_ = dir_.File("config");
  WriteText(*kubeconfig_,
            "current-context: k3d\nclusters:\n- name: k3d-local\n  cluster:\n"
            "    server: https://0.0.0.0:6550\n    certificate-authority-data: " +
                crypto::Base64Encode(kCaPem) +
                "\ncontexts:\n- name: k3d\n  context:\n    cluster: k3d-local\n    user: admin\n"
                "users:\n- name: admin\n  user:\n    client-certificate-data: " +
                crypto::Base64Encode(kCertPem) +
                "\n    client-key-data: " + crypto::Base64Encode(kKeyPem) + "\n");
  auto c = AutoConfigure();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->auth_method, "token");
  EXPECT_EQ(c->configuration["cluster_name"], "k3d-local");
  EXPECT_EQ(c->secrets.at("client_certificate"), kCertPem);
  EXPECT_EQ(c->secrets.at("client_key"), kKeyPem);
  EXPECT_EQ(c->secrets.count("token"), 0u);
}

TEST_F(KubernetesAutoConfigureTest, FileReferencesResolveAgainstTheKubeconfigDirectory) {
  fs::create_directories(dir_.File("kube/pki"));
  WriteText(dir_.File("kube/pki/ca.crt"), kCaPem);
  WriteText(dir_.File("kube/pki/client.crt"), kCertPem);
  WriteText(dir_.File("kube/pki/client.key"), kKeyPem);
  WriteText(dir_.File("kube/token"), "file-token\n");
  kubeconfig_ = dir_.File("kube/config");
  WriteText(*kubeconfig_,
            "current-context: mk\nclusters:\n- name: minikube\n  cluster:\n"
            "    server: https://192.168.49.2:8443\n    certificate-authority: pki/ca.crt\n"
            "contexts:\n- name: mk\n  context: {cluster: minikube, user: mk}\n"
            "users:\n- name: mk\n  user:\n    client-certificate: pki/client.crt\n"
            "    client-key: " +
                dir_.File("kube/pki/client.key") + "\n    tokenFile: token\n");
  auto c = AutoConfigure();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->secrets.at("certificate_authority"), kCaPem);
  EXPECT_EQ(c->secrets.at("client_certificate"), kCertPem);
  EXPECT_EQ(c->secrets.at("client_key"), kKeyPem);
  EXPECT_EQ(c->secrets.at("token"), "file-token");
}

TEST_F(KubernetesAutoConfigureTest, ExecUserIsRefused) {
  kubeconfig_ = dir_.File("config");
  WriteText(*kubeconfig_,
            "current-context: eks\nclusters:\n- name: arn:aws:eks:us-east-1:1:cluster/x\n"
            "  cluster:\n    server: https://x.eks.amazonaws.com\n"
            "contexts:\n- name: eks\n  context:\n    cluster: arn:aws:eks:us-east-1:1:cluster/x\n"
            "    user: eks-user\n"
            "users:\n- name: eks-user\n  user:\n    exec:\n"
            "      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n"
            "      args: [eks, get-token, --cluster-name, x]\n");
  auto c = AutoConfigure();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(c.error().message.find("exec plugin ('aws')"), std::string::npos);
  EXPECT_NE(c.error().message.find("cannot be lifted"), std::string::npos);
}

TEST_F(KubernetesAutoConfigureTest, AuthProviderUserIsRefused) {
  kubeconfig_ = dir_.File("config");
  WriteText(*kubeconfig_,
            "current-context: c\nclusters:\n- name: c\n  cluster: {server: https://c}\n"
            "contexts:\n- name: c\n  context: {cluster: c, user: u}\n"
            "users:\n- name: u\n  user:\n    auth-provider:\n      name: oidc\n"
            "      config: {id-token: SECRETIDTOKEN}\n");
  auto c = AutoConfigure();
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("auth provider ('oidc')"), std::string::npos);
  EXPECT_EQ(c.error().message.find("SECRETIDTOKEN"), std::string::npos);
}

TEST_F(KubernetesAutoConfigureTest, KubeconfigListMergesLikeKubectl) {
  // The first file sets no current-context; the second does and defines the cluster, while the
  // user's first definition (in the first file) wins over the second's.
  std::string a = dir_.File("a");
  std::string b = dir_.File("b");
  WriteText(a, "users:\n- name: u\n  user: {token: from-a}\n");
  WriteText(b,
            "current-context: ctx\nclusters:\n- name: c\n  cluster: {server: 'https://b'}\n"
            "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n"
            "users:\n- name: u\n  user: {token: from-b}\n");
  kubeconfig_ = dir_.File("missing") + "::" + a + ":" + b;
  auto c = AutoConfigure();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->secrets.at("token"), "from-a");
  EXPECT_EQ(c->configuration["server"], "https://b");
}

TEST_F(KubernetesAutoConfigureTest, DefaultsToHomeKubeConfig) {
  fs::create_directories(dir_.File("home/.kube"));
  WriteText(dir_.File("home/.kube/config"), TokenKubeconfig());
  auto c = AutoConfigure();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->configuration["cluster_name"], "kind-dev");
}

TEST_F(KubernetesAutoConfigureTest, MissingOrBrokenKubeconfig) {
  auto none = AutoConfigure();
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);

  kubeconfig_ = dir_.File("config");
  WriteText(*kubeconfig_, "clusters: [\n");
  auto broken = AutoConfigure();
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(broken.error().message.find(*kubeconfig_), std::string::npos);

  WriteText(*kubeconfig_, "apiVersion: v1\nclusters: []\n");
  auto no_context = AutoConfigure();
  ASSERT_FALSE(no_context.has_value());
  EXPECT_EQ(no_context.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(KubernetesAutoConfigureTest, OddStructuresGiveErrorsNotCrashes) {
  kubeconfig_ = dir_.File("config");
  for (std::string const text :
       {"current-context: x\ncontexts: {x: 1}\n", "current-context: x\ncontexts:\n- name: x\n",
        "current-context: x\ncontexts:\n- name: x\n  context: scalar\n",
        "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
        "clusters:\n- name: c\n  cluster: [1, 2]\n",
        "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
        "clusters:\n- name: c\n  cluster: {server: https://c}\nusers:\n- name: u\n  user: 7\n"}) {
    WriteText(*kubeconfig_, text);
    auto c = AutoConfigure();
    EXPECT_FALSE(c.has_value()) << text;
  }
}

TEST(KubeconfigReaderTest, SelectionReportsContextAndUser) {
  TempDir dir;
  std::string path = dir.File("config");
  WriteText(path, TokenKubeconfig());
  Environment env;
  env.Set("KUBECONFIG", path);
  auto selection = ReadKubeconfigContext(env, std::nullopt);
  ASSERT_TRUE(selection.has_value()) << selection.error().message;
  EXPECT_EQ(selection->context_name, "dev");
  EXPECT_EQ(selection->user_name, "dev-user");
  EXPECT_EQ(selection->source, path);
  EXPECT_EQ(selection->credentials.cluster_name, "kind-dev");
}

}  // namespace
}  // namespace latchkey
