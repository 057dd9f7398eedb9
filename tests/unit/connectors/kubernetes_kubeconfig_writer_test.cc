#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/strings.h"
#include "connectors/kubernetes/kubeconfig_writer.h"
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
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

constexpr char kExisting[] = R"(apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
- name: other
  cluster:
    server: https://other.example:6443
    certificate-authority-data: T1RIRVI=
- name: prod
  cluster:
    server: https://stale.example
    insecure-skip-tls-verify: true
contexts:
- name: other
  context:
    cluster: other
    user: other-user
- name: prod
  context:
    cluster: prod
    user: prod
    namespace: team-a
current-context: other
users:
- name: other-user
  user:
    token: "12345"
- name: prod
  user:
    username: old
    password: "true"
extensions: []
)";

YAML::Node Named(YAML::Node const& list, std::string const& name) {
  for (auto const& e : list) {
    if (e["name"].as<std::string>() == name) return e;
  }
  ADD_FAILURE() << "no entry " << name;
  return YAML::Node();
}

KubernetesCredentials ProdToken() {
  KubernetesCredentials creds;
  creds.server = "https://prod.example:6443";
  creds.cluster_name = "prod";
  creds.ca_pem = kCaPem;
  creds.token = "true";  // a token that YAML would read as a bool unless quoted
  return creds;
}

TEST(KubernetesKubeconfigWriterTest, MergePreservesOtherEntriesAndReplacesOwn) {
  auto merged = MergeKubeconfigText(kExisting, "test", ProdToken());
  ASSERT_TRUE(merged.has_value()) << merged.error().message;
  YAML::Node root = YAML::Load(*merged);

  EXPECT_EQ(root["current-context"].as<std::string>(), "prod");
  EXPECT_EQ(root["apiVersion"].as<std::string>(), "v1");
  EXPECT_EQ(root["kind"].as<std::string>(), "Config");
  EXPECT_TRUE(root["preferences"]["colors"].as<bool>());
  EXPECT_TRUE(root["extensions"].IsSequence());
  EXPECT_EQ(root["clusters"].size(), 2u);
  EXPECT_EQ(root["users"].size(), 2u);
  EXPECT_EQ(root["contexts"].size(), 2u);

  YAML::Node other = Named(root["clusters"], "other")["cluster"];
  EXPECT_EQ(other["server"].as<std::string>(), "https://other.example:6443");
  EXPECT_EQ(other["certificate-authority-data"].as<std::string>(), "T1RIRVI=");
  EXPECT_EQ(Named(root["users"], "other-user")["user"]["token"].Tag(), "!");  // still a string
  EXPECT_EQ(Named(root["contexts"], "other")["context"]["user"].as<std::string>(), "other-user");

  YAML::Node prod = Named(root["clusters"], "prod")["cluster"];
  EXPECT_EQ(prod["server"].as<std::string>(), "https://prod.example:6443");
  EXPECT_FALSE(prod["insecure-skip-tls-verify"].IsDefined());
  EXPECT_EQ(crypto::Base64Decode(prod["certificate-authority-data"].as<std::string>()), kCaPem);

  YAML::Node user = Named(root["users"], "prod")["user"];
  EXPECT_EQ(user["token"].as<std::string>(), "true");
  EXPECT_EQ(user["token"].Tag(), "!") << "the token must be quoted to stay a string";
  EXPECT_FALSE(user["username"].IsDefined());
  EXPECT_FALSE(user["password"].IsDefined());

  YAML::Node context = Named(root["contexts"], "prod")["context"];
  EXPECT_EQ(context["cluster"].as<std::string>(), "prod");
  EXPECT_EQ(context["user"].as<std::string>(), "prod");
  EXPECT_EQ(context["namespace"].as<std::string>(), "team-a");
}

TEST(KubernetesKubeconfigWriterTest, NumericLookingNamesStayStrings) {
  KubernetesCredentials creds = ProdToken();
  creds.cluster_name = "123";
  auto merged = MergeKubeconfigText(kExisting, "test", creds);
  ASSERT_TRUE(merged.has_value()) << merged.error().message;
  YAML::Node root = YAML::Load(*merged);
  EXPECT_EQ(root["current-context"].Tag(), "!");
  EXPECT_EQ(root["clusters"][2]["name"].Tag(), "!");
  EXPECT_EQ(root["contexts"][2]["context"]["user"].Tag(), "!");
  EXPECT_EQ(root["preferences"]["colors"].Tag(), "?");  // a plain bool stays a bool
}

// A user entry with no credential would make kubectl prompt or go anonymous (a fuzz finding).
TEST(KubernetesKubeconfigWriterTest, CredentialsWithNothingToWriteAreRefused) {
  KubernetesCredentials creds = ProdToken();
  creds.token = "";
  auto merged = MergeKubeconfigText(kExisting, "test", creds);
  ASSERT_FALSE(merged.has_value());
  EXPECT_NE(merged.error().message.find("no token"), std::string::npos);
}

// yaml-cpp writes keys implicitly, and YAML caps an implicit key at 1024 characters: an
// existing file with a long key must still read back after the merge (a fuzz finding).
TEST(KubernetesKubeconfigWriterTest, LongKeysInTheExistingFileSurviveTheMerge) {
  std::string existing = std::string(kExisting) + "? " + std::string(1500, 'k') + "\n: 1\n";
  auto merged = MergeKubeconfigText(existing, "test", ProdToken());
  ASSERT_TRUE(merged.has_value()) << merged.error().message;
  YAML::Node root = YAML::Load(*merged);
  EXPECT_EQ(root[std::string(1500, 'k')].as<int>(), 1);
}

TEST(KubernetesKubeconfigWriterTest, NewFileForInsecureClientCertificate) {
  KubernetesCredentials creds;
  creds.server = "https://127.0.0.1:6443";
  creds.cluster_name = "k3d-local";
  creds.insecure = true;
  creds.ca_pem = kCaPem;  // ignored: kubectl refuses a CA together with insecure
  creds.client_cert_pem = kCertPem;
  creds.client_key_pem = kKeyPem;
  auto merged = MergeKubeconfigText("", "new", creds);
  ASSERT_TRUE(merged.has_value()) << merged.error().message;
  YAML::Node root = YAML::Load(*merged);
  EXPECT_EQ(root["apiVersion"].as<std::string>(), "v1");
  EXPECT_EQ(root["kind"].as<std::string>(), "Config");
  YAML::Node cluster = root["clusters"][0]["cluster"];
  EXPECT_EQ(cluster["insecure-skip-tls-verify"].Tag(), "?");
  EXPECT_TRUE(cluster["insecure-skip-tls-verify"].as<bool>());
  EXPECT_FALSE(cluster["certificate-authority-data"].IsDefined());
  YAML::Node user = root["users"][0]["user"];
  EXPECT_EQ(crypto::Base64Decode(user["client-certificate-data"].as<std::string>()), kCertPem);
  EXPECT_EQ(crypto::Base64Decode(user["client-key-data"].as<std::string>()), kKeyPem);
  EXPECT_FALSE(user["token"].IsDefined());
  EXPECT_EQ(root["current-context"].as<std::string>(), "k3d-local");
}

TEST(KubernetesKubeconfigWriterTest, InvalidYamlIsRefusedAndFileUntouched) {
  TempDir dir;
  std::string path = dir.File("config");
  std::string const broken = "apiVersion: v1\nclusters: [\n  - name: x\n";
  WriteText(path, broken);
  auto r = WriteKubeconfig(path, ProdToken());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(path), std::string::npos);
  EXPECT_NE(r.error().message.find("untouched"), std::string::npos);
  EXPECT_EQ(ReadText(path), broken);
  EXPECT_EQ(
      std::distance(fs::directory_iterator(fs::path(path).parent_path()), fs::directory_iterator()),
      1);
}

TEST(KubernetesKubeconfigWriterTest, NonListSectionIsRefused) {
  auto r = MergeKubeconfigText("clusters:\n  prod: {}\n", "cfg", ProdToken());
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("'clusters' is not a list"), std::string::npos);
  EXPECT_FALSE(MergeKubeconfigText("- just\n- a list\n", "cfg", ProdToken()).has_value());
}

TEST(KubernetesKubeconfigWriterTest, WritesAtomicallyWithMode0600) {
  TempDir dir;
  std::string path = dir.File("nested/dir/config");
  ASSERT_TRUE(WriteKubeconfig(path, ProdToken()).has_value());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  YAML::Node root = YAML::LoadFile(path);
  EXPECT_EQ(root["current-context"].as<std::string>(), "prod");
}

TEST(KubernetesKubeconfigWriterTest, ConfigureLocalClientUsesFirstKubeconfigPath) {
  TempDir dir;
  std::string first = dir.File("first");
  std::string second = dir.File("second");
  WriteText(first, kExisting);
  WriteText(second, "apiVersion: v1\nkind: Config\n");

  Connector client;
  client.connector_type = "kubernetes";
  client.auth_method = "password";
  client.configuration = {
      {"server", "https://prod.example:6443"}, {"cluster_name", "prod"}, {"insecure", false}};
  client.secrets = {{"username", "admin"}, {"password", "no"}};

  testing::FakeHttpClient http;
  Context ctx{http, Now(), Environment{}};
  ctx.env.Set("KUBECONFIG", first + ":" + second);
  ctx.env.Set("HOME", dir.File("home"));
  auto type = MakeKubernetesConnectorType();
  auto message = type->ConfigureLocalClient(ctx, client);
  ASSERT_TRUE(message.has_value()) << message.error().message;
  EXPECT_EQ(*message,
            "Updated local kubeconfig with the cluster details. The current kubectl context was "
            "set to 'prod'.");
  EXPECT_EQ(ReadText(second), "apiVersion: v1\nkind: Config\n");
  EXPECT_TRUE(http.requests.empty());

  YAML::Node root = YAML::LoadFile(first);
  YAML::Node user = Named(root["users"], "prod")["user"];
  EXPECT_EQ(user["username"].as<std::string>(), "admin");
  EXPECT_EQ(user["password"].Tag(), "!");  // "no" stays a string
  EXPECT_FALSE(user["token"].IsDefined());
  EXPECT_EQ(Named(root["users"], "other-user")["user"]["token"].as<std::string>(), "12345");
}

TEST(KubernetesKubeconfigWriterTest, ConfigureLocalClientDefaultsToHomeKubeConfig) {
  TempDir dir;
  testing::FakeHttpClient http;
  Context ctx{http, Now(), Environment{}};
  ctx.env.Set("HOME", dir.File("home"));
  KubernetesCredentials creds = ProdToken();
  auto type = MakeKubernetesConnectorType();
  ASSERT_TRUE(type->ConfigureLocalClient(ctx, KubernetesConnectorFromCredentials(creds)));
  EXPECT_TRUE(fs::exists(dir.File("home/.kube/config")));
}

TEST(KubernetesKubeconfigWriterTest, ConfigureLocalClientRefusesInvalidClient) {
  TempDir dir;
  testing::FakeHttpClient http;
  Context ctx{http, Now(), Environment{}};
  ctx.env.Set("KUBECONFIG", dir.File("config"));
  Connector client = KubernetesConnectorFromCredentials(ProdToken());
  client.secrets.erase("token");
  auto type = MakeKubernetesConnectorType();
  EXPECT_FALSE(type->ConfigureLocalClient(ctx, client).has_value());
  EXPECT_FALSE(fs::exists(dir.File("config")));
}

TEST(KubernetesKubeconfigWriterTest, SymlinkedKubeconfigIsWrittenThrough) {
  TempDir dir;
  std::string real = dir.File("real-config");
  std::string link = dir.File("config");
  WriteText(real, kExisting);
  fs::create_symlink(real, link);
  ASSERT_TRUE(WriteKubeconfig(link, ProdToken()).has_value());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(YAML::LoadFile(real)["current-context"].as<std::string>(), "prod");
}

}  // namespace
}  // namespace latchkey
