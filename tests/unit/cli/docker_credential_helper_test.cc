#include "cli/docker_credential_helper.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "cli/docker_helper_registry.h"
#include "connectors/docker/docker_config.h"

namespace latchkey::cli {
namespace {

class DockerCredentialHelperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/lk-helper-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    home_ = pattern;
    env_ = Environment({{"LATCHKEY_HOME", home_}, {"HOME", home_}});
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  int Run(std::string const& action, std::string const& input, std::string& output) {
    std::istringstream in(input);
    std::ostringstream out;
    int status = RunDockerCredentialHelper({action}, env_, in, out);
    output = out.str();
    return status;
  }

  std::string home_;
  Environment env_;
};

TEST_F(DockerCredentialHelperTest, UnknownRegistriesAreNotFound) {
  std::string out;
  EXPECT_EQ(Run("get", "127.0.0.1:5000\n", out), 1);
  EXPECT_EQ(out, "credentials not found in native keychain\n");
  EXPECT_EQ(Run("erase", "127.0.0.1:5000", out), 1);
  EXPECT_EQ(Run("list", "", out), 0);
  EXPECT_EQ(out, "{}\n");
}

TEST_F(DockerCredentialHelperTest, StoreIsRefusedAndKeepsNothing) {
  std::string out;
  EXPECT_EQ(Run("store", R"({"ServerURL":"h","Username":"u","Secret":"s3cret-value"})", out), 1);
  EXPECT_NE(out.find("does not store"), std::string::npos);
  EXPECT_EQ(out.find("s3cret-value"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(HelperRegistryPath(env_)));
}

TEST_F(DockerCredentialHelperTest, ListAndEraseUseTheRegistrations) {
  HelperRegistrations entries;
  entries["127.0.0.1:5000"] = {{"0123abcd", "docker-registry", "127.0.0.1:5000"}, "reg"};
  entries["docker.io"] = {{"4567ef01", "docker-registry", "docker.io"}, "hub"};
  ASSERT_TRUE(SaveHelperRegistrations(env_, entries));
  EXPECT_EQ(
      std::filesystem::status(HelperRegistryPath(env_)).permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::string out;
  EXPECT_EQ(Run("list", "", out), 0);
  EXPECT_EQ(nlohmann::json::parse(out),
            nlohmann::json({{"127.0.0.1:5000", "reg"}, {"https://index.docker.io/v1/", "hub"}}));
  auto loaded = LoadHelperRegistrations(env_);
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(FindHelperRegistration(*loaded, "https://127.0.0.1:5000/v2/"));
  EXPECT_EQ(FindHelperRegistration(*loaded, "https://index.docker.io/v1/")->target.connector,
            "4567ef01");
  EXPECT_EQ(Run("erase", "https://127.0.0.1:5000", out), 0);
  loaded = LoadHelperRegistrations(env_);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->count("127.0.0.1:5000"), 0u);
  EXPECT_EQ(loaded->count("docker.io"), 1u);
}

TEST_F(DockerCredentialHelperTest, UsageAndVersion) {
  std::string out;
  EXPECT_EQ(Run("frobnicate", "", out), 1);
  EXPECT_NE(out.find("Usage"), std::string::npos);
  EXPECT_EQ(Run("version", "", out), 0);
  EXPECT_NE(out.find("latchkey"), std::string::npos);
}

TEST(DockerConfigHelperTest, RegisteringTheHelperDropsTheRegistrysStaticLogins) {
  docker::DockerConfigJson config = docker::DockerConfigJson::parse(R"({
    "auths": {"https://127.0.0.1:5000": {"auth": "c3RhbGU6b2xk"}, "other.io": {"auth": "eDp5"}},
    "credHelpers": {"gcr.io": "gcloud"}, "psFormat": "x"})");
  auto out = docker::WithCredentialHelper(config, "127.0.0.1:5000", "127.0.0.1:5000", "latchkey");
  EXPECT_EQ(out.dump(), R"({"auths":{"other.io":{"auth":"eDp5"}},"credHelpers":{"gcr.io":)"
                        R"("gcloud","127.0.0.1:5000":"latchkey"},"psFormat":"x"})");
}

}  // namespace
}  // namespace latchkey::cli
