#include <gtest/gtest.h>

#include "connectors/docker/auth_challenge.h"

namespace latchkey::docker {
namespace {

TEST(DockerAuthChallengeTest, DockerHubBearerChallenge) {
  auto challenges = ParseAuthChallenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
      R"(scope="repository:samalba/my-app:pull,push")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "bearer");
  EXPECT_EQ(challenges[0].Param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(challenges[0].Param("service"), "registry.docker.io");
  EXPECT_EQ(challenges[0].Param("scope"), "repository:samalba/my-app:pull,push");
  EXPECT_FALSE(challenges[0].Param("error").has_value());
}

TEST(DockerAuthChallengeTest, BasicChallenge) {
  auto challenges = ParseAuthChallenges(R"(Basic realm="Registry Realm")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "basic");
  EXPECT_EQ(challenges[0].Param("realm"), "Registry Realm");
}

TEST(DockerAuthChallengeTest, SeveralChallengesInOneHeader) {
  auto challenges =
      ParseAuthChallenges(R"(Basic realm="a, b", Bearer realm="https://t/token", service="svc")");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].scheme, "basic");
  EXPECT_EQ(challenges[0].Param("realm"), "a, b");
  EXPECT_EQ(challenges[1].scheme, "bearer");
  EXPECT_EQ(challenges[1].Param("realm"), "https://t/token");
  EXPECT_EQ(challenges[1].Param("service"), "svc");
  EXPECT_TRUE(FindChallenge(challenges, "bearer").has_value());
  EXPECT_FALSE(FindChallenge(challenges, "negotiate").has_value());
}

TEST(DockerAuthChallengeTest, UnquotedValuesEscapesAndCase) {
  auto challenges = ParseAuthChallenges(R"(BEARER Realm=https://x/token , Service = "s\"q")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "bearer");
  EXPECT_EQ(challenges[0].Param("realm"), "https://x/token");
  EXPECT_EQ(challenges[0].Param("service"), "s\"q");
}

TEST(DockerAuthChallengeTest, EmptyAndMalformedHeadersDoNotCrash) {
  EXPECT_TRUE(ParseAuthChallenges("").empty());
  EXPECT_TRUE(ParseAuthChallenges("  , ,").empty());
  auto odd = ParseAuthChallenges(R"(=" Bearer realm="unterminated)");
  for (auto const& c : odd) EXPECT_FALSE(c.scheme.empty());
  auto token68 = ParseAuthChallenges("Negotiate abc==, Basic realm=r");
  ASSERT_TRUE(FindChallenge(token68, "basic").has_value());
}

TEST(DockerAuthChallengeTest, ChallengesOfReadsEveryHeader) {
  HttpResponse response;
  response.status = 401;
  response.headers = {{"content-type", "application/json"},
                      {"www-authenticate", R"(Basic realm="r")"},
                      {"www-authenticate", R"(Bearer realm="https://t/token")"}};
  auto challenges = ChallengesOf(response);
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].scheme, "basic");
  EXPECT_EQ(challenges[1].scheme, "bearer");
}

}  // namespace
}  // namespace latchkey::docker
