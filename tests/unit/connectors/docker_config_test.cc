#include "connectors/docker/docker_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "connectors/docker/docker_connector.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"
#include "temp_files.h"

namespace latchkey {
namespace {

namespace fs = std::filesystem;
using docker::DockerConfigJson;
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

Environment Env(std::map<std::string, std::string> vars) { return Environment(std::move(vars)); }

std::string B64(std::string const& text) { return crypto::Base64Encode(text); }

Connector Client(std::optional<std::string> registry, std::string user = "bob",
                 std::string password = "pa:ss/word") {
  Connector c;
  c.connector_type = "docker";
  c.auth_method = "password";
  c.resource_types = {"docker-registry"};
  if (registry) c.configuration["registry"] = *registry;
  c.secrets = {{"username", std::move(user)}, {"password", std::move(password)}};
  return c;
}

class DockerConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  std::string ConfigDir() const { return dir_.path() + "/docker-config"; }
  std::string ConfigPath() const { return ConfigDir() + "/config.json"; }

  Context Ctx() { return Context{http_, TimePoint{}, Env({{"DOCKER_CONFIG", ConfigDir()}})}; }

  Result<std::string> Login(Connector const& client) {
    Context ctx = Ctx();
    return type_->ConfigureLocalClient(ctx, client);
  }

  Result<Connector> AutoConfigure(OptString resource_id = std::nullopt,
                                  OptString auth_method = std::nullopt) {
    Context ctx = Ctx();
    return type_->AutoConfigure(ctx, auth_method, std::nullopt, resource_id);
  }

  TempDir dir_;
  testing::FakeHttpClient http_;
  std::unique_ptr<ConnectorType> type_ = MakeDockerConnectorType();
};

TEST_F(DockerConfigTest, PathFollowsDockerConfigThenHome) {
  EXPECT_EQ(docker::DockerConfigPath(Env({{"DOCKER_CONFIG", "/x/y"}, {"HOME", "/h"}})),
            "/x/y/config.json");
  EXPECT_EQ(docker::DockerConfigPath(Env({{"HOME", "/home/me"}})), "/home/me/.docker/config.json");
  EXPECT_EQ(docker::DockerConfigPath(Env({{"DOCKER_CONFIG", ""}, {"HOME", "/h"}})),
            "/h/.docker/config.json");
}

TEST_F(DockerConfigTest, LoginCreatesAPrivateFile) {
  auto message = Login(Client("localhost:5000/team"));
  ASSERT_TRUE(message.has_value()) << message.error().message;
  EXPECT_EQ(*message,
            "Configured the local Docker client for registry localhost:5000 in " + ConfigPath());
  auto config = DockerConfigJson::parse(ReadText(ConfigPath()));
  EXPECT_EQ(config["auths"]["localhost:5000"]["auth"], B64("bob:pa:ss/word"));
  EXPECT_EQ(config["auths"]["localhost:5000"].size(), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(ConfigPath().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DockerConfigTest, LoginMergesAndPreservesEverythingElse) {
  WriteText(ConfigPath(), R"({
    "proxies": {"default": {"httpProxy": "http://proxy:3128"}},
    "auths": {
      "ghcr.io": {"auth": "b3RoZXI6dXNlcg=="},
      "localhost:5000": {"auth": "c3RhbGU6c3RhbGU=", "identitytoken": "old-identity"}
    },
    "currentContext": "rootless",
    "psFormat": "table {{.ID}}"
  })");
  ASSERT_TRUE(Login(Client("http://localhost:5000")).has_value());
  std::string text = ReadText(ConfigPath());
  auto config = DockerConfigJson::parse(text);

  std::vector<std::string> keys;
  for (auto const& [k, v] : config.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"proxies", "auths", "currentContext", "psFormat"}));
  EXPECT_EQ(config["proxies"]["default"]["httpProxy"], "http://proxy:3128");
  EXPECT_EQ(config["currentContext"], "rootless");
  EXPECT_EQ(config["psFormat"], "table {{.ID}}");
  EXPECT_EQ(config["auths"]["ghcr.io"]["auth"], "b3RoZXI6dXNlcg==");
  // The stale identity token would win over `auth` in docker, so the entry is replaced whole.
  EXPECT_EQ(config["auths"]["localhost:5000"], DockerConfigJson({{"auth", B64("bob:pa:ss/word")}}));
  // Two-space indentation, trailing newline.
  EXPECT_EQ(text, config.dump(2) + "\n");
  EXPECT_NE(text.find("\n  \"auths\": {\n    \"ghcr.io\""), std::string::npos) << text;
}

TEST_F(DockerConfigTest, DockerHubUsesDockersKey) {
  ASSERT_TRUE(Login(Client(std::nullopt)).has_value());
  auto config = DockerConfigJson::parse(ReadText(ConfigPath()));
  EXPECT_EQ(config["auths"]["https://index.docker.io/v1/"]["auth"], B64("bob:pa:ss/word"));
  EXPECT_FALSE(config["auths"].contains("docker.io"));

  ASSERT_TRUE(Login(Client("registry-1.docker.io", "carol", "x")).has_value());
  config = DockerConfigJson::parse(ReadText(ConfigPath()));
  EXPECT_EQ(config["auths"].size(), 1u);
  EXPECT_EQ(config["auths"]["https://index.docker.io/v1/"]["auth"], B64("carol:x"));
}

TEST_F(DockerConfigTest, InvalidJsonIsRefusedAndLeftUntouched) {
  std::string const broken = R"({"auths": {"ghcr.io": {"auth": "c2VjcmV0LXZhbHVl"}}, oops)";
  WriteText(ConfigPath(), broken);
  auto message = Login(Client("ghcr.io"));
  ASSERT_FALSE(message.has_value());
  EXPECT_EQ(message.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(message.error().message.find("not valid JSON"), std::string::npos);
  EXPECT_NE(message.error().message.find(ConfigPath()), std::string::npos);
  EXPECT_EQ(message.error().message.find("c2VjcmV0LXZhbHVl"), std::string::npos);
  EXPECT_EQ(ReadText(ConfigPath()), broken);
  EXPECT_EQ(std::distance(fs::directory_iterator(ConfigDir()), fs::directory_iterator()), 1);
}

TEST_F(DockerConfigTest, NonObjectConfigsAreRefused) {
  for (std::string const text : {"[1, 2]", R"({"auths": []})", R"({"credHelpers": "x"})"}) {
    WriteText(ConfigPath(), text);
    auto message = Login(Client("ghcr.io"));
    ASSERT_FALSE(message.has_value()) << text;
    EXPECT_EQ(message.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(ReadText(ConfigPath()), text);
  }
}

TEST_F(DockerConfigTest, EmptyFileCountsAsEmptyConfig) {
  WriteText(ConfigPath(), "\n");
  ASSERT_TRUE(Login(Client("ghcr.io")).has_value());
  EXPECT_TRUE(DockerConfigJson::parse(ReadText(ConfigPath()))["auths"].contains("ghcr.io"));
}

TEST_F(DockerConfigTest, SymlinkedConfigIsUpdatedInPlace) {
  std::string real = dir_.path() + "/dotfiles/docker.json";
  WriteText(real, R"({"auths": {}})");
  fs::create_directories(ConfigDir());
  fs::create_symlink(real, ConfigPath());
  ASSERT_TRUE(Login(Client("ghcr.io")).has_value());
  EXPECT_TRUE(fs::is_symlink(ConfigPath()));
  EXPECT_TRUE(DockerConfigJson::parse(ReadText(real))["auths"].contains("ghcr.io"));
}

TEST_F(DockerConfigTest, ShadowingCredentialHelperIsPointedOut) {
  WriteText(ConfigPath(), R"({"auths": {}, "credHelpers": {"ghcr.io": "gh"}})");
  auto message = Login(Client("ghcr.io"));
  ASSERT_TRUE(message.has_value());
  EXPECT_NE(message->find("docker-credential-gh"), std::string::npos) << *message;

  WriteText(ConfigPath(), R"({"credsStore": "desktop"})");
  message = Login(Client("localhost:5000"));
  ASSERT_TRUE(message.has_value());
  EXPECT_NE(message->find("docker-credential-desktop"), std::string::npos) << *message;

  WriteText(ConfigPath(), R"({"credHelpers": {"ghcr.io": "gh"}})");
  message = Login(Client("localhost:5000"));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->find("credential helper"), std::string::npos) << *message;
}

TEST_F(DockerConfigTest, LoginNeedsCredentials) {
  Connector c = Client("ghcr.io");
  c.secrets.erase("username");
  auto message = Login(c);
  ASSERT_FALSE(message.has_value());
  EXPECT_NE(message.error().message.find("'username'"), std::string::npos);
  EXPECT_FALSE(fs::exists(ConfigPath()));
}

TEST_F(DockerConfigTest, AutoConfigureFromTheOnlyLogin) {
  WriteText(ConfigPath(), R"({"auths": {"localhost:5000": {"auth": ")" + B64("dave:p:w") +
                              R"("}}, "credsStore": ""})");
  auto c = AutoConfigure();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->connector_type, "docker");
  EXPECT_EQ(c->auth_method, "password");
  EXPECT_EQ(c->resource_types, std::vector<std::string>{"docker-registry"});
  EXPECT_EQ(c->resource_id, "localhost:5000");
  EXPECT_EQ(c->configuration, nlohmann::json({{"registry", "localhost:5000"}}));
  EXPECT_EQ(c->secrets,
            (std::map<std::string, std::string>{{"username", "dave"}, {"password", "p:w"}}));
}

TEST_F(DockerConfigTest, AutoConfigureFromUsernameAndPasswordFields) {
  WriteText(ConfigPath(),
            R"({"auths": {"https://ghcr.io": {"username": "erin", "password": "tok"}}})");
  auto c = AutoConfigure();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->configuration["registry"], "https://ghcr.io");
  EXPECT_EQ(c->resource_id, "ghcr.io");
  EXPECT_EQ(c->secrets.at("username"), "erin");
  EXPECT_EQ(c->secrets.at("password"), "tok");
}

TEST_F(DockerConfigTest, AutoConfigureChoosesByResourceId) {
  WriteText(ConfigPath(), R"({"auths": {
      "https://index.docker.io/v1/": {"auth": ")" +
                              B64("hub:hub-secret-1") + R"("},
      "localhost:5000": {"auth": ")" +
                              B64("local:local-secret-2") + R"("}}})");
  auto ambiguous = AutoConfigure();
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(ambiguous.error().message.find("docker.io, localhost:5000"), std::string::npos)
      << ambiguous.error().message;
  EXPECT_EQ(ambiguous.error().message.find("hub-secret-1"), std::string::npos);

  auto hub = AutoConfigure("index.docker.io");
  ASSERT_TRUE(hub.has_value()) << hub.error().message;
  EXPECT_EQ(hub->resource_id, "docker.io");
  EXPECT_EQ(hub->configuration["registry"], "https://index.docker.io/v1/");
  EXPECT_EQ(hub->secrets.at("username"), "hub");

  auto local = AutoConfigure("http://localhost:5000/some/repo");
  ASSERT_TRUE(local.has_value()) << local.error().message;
  EXPECT_EQ(local->secrets.at("password"), "local-secret-2");

  auto missing = AutoConfigure("ghcr.io");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("no login for registry ghcr.io"), std::string::npos);

  EXPECT_FALSE(AutoConfigure("not a registry").has_value());
}

TEST_F(DockerConfigTest, HelperStoredCredentialsCannotBeLifted) {
  WriteText(ConfigPath(),
            R"({"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "desktop"})");
  auto c = AutoConfigure();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(c.error().message.find("docker-credential-desktop"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("cannot be lifted"), std::string::npos);

  WriteText(ConfigPath(),
            R"({"credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}})");
  c = AutoConfigure();
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("docker-credential-ecr-login"), std::string::npos)
      << c.error().message;

  WriteText(ConfigPath(), R"({"auths": {"ghcr.io": {"identitytoken": "idtok-value"}}})");
  c = AutoConfigure();
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("identity"), std::string::npos);
  EXPECT_EQ(c.error().message.find("idtok-value"), std::string::npos);
}

TEST_F(DockerConfigTest, AutoConfigureErrors) {
  auto none = AutoConfigure();
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find(ConfigPath()), std::string::npos);

  WriteText(ConfigPath(), R"({"auths": {}})");
  none = AutoConfigure();
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);

  WriteText(ConfigPath(), R"({"auths": {"ghcr.io": {"auth": "bm8tY29sb24taGVyZQ=="}}})");
  auto bad_auth = AutoConfigure();
  ASSERT_FALSE(bad_auth.has_value());
  EXPECT_NE(bad_auth.error().message.find("'auth'"), std::string::npos);
  EXPECT_EQ(bad_auth.error().message.find("no-colon-here"), std::string::npos);

  WriteText(ConfigPath(), "{broken");
  auto broken = AutoConfigure();
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kFailedPrecondition);

  auto wrong_method = AutoConfigure(std::nullopt, "token");
  ASSERT_FALSE(wrong_method.has_value());
  EXPECT_EQ(wrong_method.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(DockerConfigTest, LoginThenAutoConfigureRoundTrips) {
  WriteText(ConfigPath(), R"({"auths": {}, "experimental": "enabled"})");
  ASSERT_TRUE(
      Login(Client("https://127.0.0.1:5000/x", "frank", "pw with spaces:and:colons")).has_value());
  auto c = AutoConfigure("127.0.0.1:5000");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->secrets.at("username"), "frank");
  EXPECT_EQ(c->secrets.at("password"), "pw with spaces:and:colons");
  EXPECT_EQ(c->configuration["registry"], "127.0.0.1:5000");
}

TEST_F(DockerConfigTest, DefaultPathUnderHome) {
  Context ctx{http_, TimePoint{}, Env({{"HOME", dir_.path()}})};
  auto message = type_->ConfigureLocalClient(ctx, Client("ghcr.io"));
  ASSERT_TRUE(message.has_value()) << message.error().message;
  EXPECT_TRUE(fs::exists(dir_.path() + "/.docker/config.json"));
  auto c = type_->AutoConfigure(ctx, std::nullopt, "docker-registry", std::nullopt);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->resource_id, "ghcr.io");
}

}  // namespace
}  // namespace latchkey
