#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "connectors/docker/registry_endpoint.h"
#include "connectors/docker/registry_id.h"

namespace latchkey::docker {
namespace {

TEST(DockerRegistryIdTest, AcceptedFormsReduceToCanonicalHostPort) {
  std::vector<std::pair<std::string, std::string>> const cases = {
      {"docker.io", "docker.io"},
      {"index.docker.io", "docker.io"},
      {"registry-1.docker.io", "docker.io"},
      {"https://index.docker.io/v1/", "docker.io"},
      {"index.docker.io/v1/", "docker.io"},
      {"https://index.docker.io/v1/library/ubuntu", "docker.io"},
      {"docker.io/library/ubuntu", "docker.io"},
      {"https://registry-1.docker.io", "docker.io"},
      {"ghcr.io", "ghcr.io"},
      {"  ghcr.io  ", "ghcr.io"},
      {"registry.example.com/", "registry.example.com"},
      {"registry.example.com/team/app", "registry.example.com"},
      {"registry.example.com:5000/team/app:1.0", "registry.example.com:5000"},
      {"HTTPS://Registry.Example.COM:5000/team/app", "registry.example.com:5000"},
      {"http://localhost:5000", "localhost:5000"},
      {"localhost:5000/foo/bar", "localhost:5000"},
      {"localhost", "localhost"},
      {"127.0.0.1:5000", "127.0.0.1:5000"},
      {"[::1]:5000", "[::1]:5000"},
      {"https://[::1]:5000/repo", "[::1]:5000"},
      {"myregistry", "myregistry"},
      {"myregistry:443", "myregistry:443"},
      {"123456789012.dkr.ecr.us-east-1.amazonaws.com",
       "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
      {"europe-west1-docker.pkg.dev/my-project/repo", "europe-west1-docker.pkg.dev"},
      // A port makes it another server, not Docker Hub.
      {"index.docker.io:5000", "index.docker.io:5000"},
      {"registry.example.com:05000", "registry.example.com:5000"},
  };
  for (auto const& [input, expected] : cases) {
    auto id = CanonicalRegistryId(input);
    ASSERT_TRUE(id.has_value()) << input << ": " << id.error().message;
    EXPECT_EQ(*id, expected) << input;
  }
}

TEST(DockerRegistryIdTest, GarbageIsRefusedWithTheAcceptedForms) {
  std::vector<std::string> const cases = {
      "",
      "   ",
      "reg example.com",
      "reg.example.com\t/x",
      "ftp://reg.example.com",
      "docker://reg.example.com",
      "reg.example.com:0",
      "reg.example.com:65536",
      "reg.example.com:abc",
      "reg.example.com:",
      "reg.example.com:5000:6000",
      "https://",
      "https:///repo",
      "/repo",
      "-bad.example.com",
      "bad-.example.com",
      "bad_host.example.com",
      "reg..example.com",
      "reg.example.com.",
      "[::1",
      "[zz]:5000",
      "[::1]x",
      "reg.example.com/repo?x=1",
      "reg.example.com/repo#frag",
      std::string(300, 'a'),
  };
  for (auto const& input : cases) {
    auto id = CanonicalRegistryId(input);
    ASSERT_FALSE(id.has_value()) << "accepted '" << input << "' as " << *id;
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument) << input;
    EXPECT_NE(id.error().message.find("accepted forms"), std::string::npos) << id.error().message;
    EXPECT_NE(id.error().message.find("docker.io"), std::string::npos) << id.error().message;
  }
}

TEST(DockerRegistryIdTest, BadPortIsNamedInTheMessage) {
  auto id = CanonicalRegistryId("reg.example.com:99999");
  ASSERT_FALSE(id.has_value());
  EXPECT_NE(id.error().message.find("invalid port '99999'"), std::string::npos)
      << id.error().message;
}

TEST(DockerRegistryIdTest, EmbeddedCredentialsAreRefusedWithoutEchoingThem) {
  auto id = CanonicalRegistryId("https://alice:hunter2@reg.example.com/repo");
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(id.error().message.find("hunter2"), std::string::npos) << id.error().message;
  EXPECT_EQ(id.error().message.find("alice"), std::string::npos) << id.error().message;
}

TEST(DockerRegistryIdTest, ParseKeepsSchemeHostAndPort) {
  auto a = ParseRegistryAddress("HTTP://Reg.Example.com:8080/x");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->host, "reg.example.com");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->canonical_id, "reg.example.com:8080");

  auto b = ParseRegistryAddress("reg.example.com");
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->scheme.has_value());
  EXPECT_FALSE(b->port.has_value());
}

TEST(DockerRegistryIdTest, LoopbackHosts) {
  for (char const* host : {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackRegistryHost(host)) << host;
  }
  for (char const* host : {"128.0.0.1", "localhost.example.com", "127.0.0", "127.0.0.256",
                           "127.example.com", "[::2]", "10.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackRegistryHost(host)) << host;
  }
}

TEST(DockerRegistryIdTest, ConfigKeyUsesDockersSpellingForDockerHub) {
  EXPECT_EQ(DockerConfigKey("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(DockerConfigKey("localhost:5000"), "localhost:5000");
  EXPECT_EQ(DockerConfigKey("ghcr.io"), "ghcr.io");
}

TEST(DockerRegistryEndpointTest, BaseUrls) {
  struct Case {
    std::optional<std::string> registry;
    std::string id;
    std::vector<std::string> bases;
  };
  std::vector<Case> const cases = {
      {std::nullopt, "docker.io", {"https://registry-1.docker.io"}},
      {"", "docker.io", {"https://registry-1.docker.io"}},
      {"https://index.docker.io/v1/", "docker.io", {"https://registry-1.docker.io"}},
      {"reg.example.com", "reg.example.com", {"https://reg.example.com"}},
      {"reg.example.com:5000/team", "reg.example.com:5000", {"https://reg.example.com:5000"}},
      {"http://reg.example.com:5000", "reg.example.com:5000", {"http://reg.example.com:5000"}},
      {"https://localhost:5000", "localhost:5000", {"https://localhost:5000"}},
      {"http://127.0.0.1:5000", "127.0.0.1:5000", {"http://127.0.0.1:5000"}},
      {"localhost:5000", "localhost:5000", {"https://localhost:5000", "http://localhost:5000"}},
      {"127.0.0.1:5000", "127.0.0.1:5000", {"https://127.0.0.1:5000", "http://127.0.0.1:5000"}},
      {"[::1]:5000", "[::1]:5000", {"https://[::1]:5000", "http://[::1]:5000"}},
  };
  for (auto const& c : cases) {
    auto endpoint = ResolveRegistryEndpoint(c.registry);
    ASSERT_TRUE(endpoint.has_value()) << c.registry.value_or("<unset>");
    EXPECT_EQ(endpoint->registry_id, c.id);
    EXPECT_EQ(endpoint->base_urls, c.bases) << c.registry.value_or("<unset>");
  }
  EXPECT_FALSE(ResolveRegistryEndpoint(std::string("not a registry")).has_value());
}

}  // namespace
}  // namespace latchkey::docker
