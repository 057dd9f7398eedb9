#include "server/api/api_requests.h"

#include <gtest/gtest.h>

namespace latchkey::api {
namespace {

nlohmann::json J(char const* text) { return nlohmann::json::parse(text); }

TEST(ApiRequestsTest, RegisterBodyMapsOntoARegisterRequest) {
  auto r = ParseRegisterRequest(J(R"({"name":"aws-1","connector_type":"aws",
      "auth_method":"secret-key","resource_type":"s3-bucket","resource_id":"s3://b",
      "configuration":{"region":"eu-west-1","policy_arns":["a","b"]},
      "secrets":{"aws_secret_access_key":"s"},"labels":{"team":"ml"},"shared":true,
      "expiration_seconds":900,"expires_at":"2030-01-01T00:00:00Z","verify":false})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->draft.name, "aws-1");
  EXPECT_EQ(r->draft.resource_types, std::vector<std::string>{"s3-bucket"});
  EXPECT_EQ(r->draft.resource_id, "s3://b");
  EXPECT_TRUE(r->draft.shared);
  EXPECT_FALSE(r->verify);
  EXPECT_EQ(r->values.at("aws_secret_access_key"), "s");
  EXPECT_EQ(r->values.at("policy_arns").size(), 2u);
  EXPECT_TRUE(r->draft.expires_at.has_value());
}

TEST(ApiRequestsTest, BadBodiesNameTheProblem) {
  struct Case {
    char const* body;
    char const* expect;
  } cases[] = {
      {R"([1,2])", "JSON object"},
      {R"({"connector_type":"aws","colour":"red"})", "unknown field 'colour'"},
      {R"({"connector_type":7})", "'connector_type' must be a string"},
      {R"({"connector_type":"aws","shared":"yes"})", "'shared' must be true or false"},
      {R"({"connector_type":"aws","resource_types":["a",1]})", "list of strings"},
      {R"({"connector_type":"aws","secrets":{"k":1}})", "'secrets.k' must be a string"},
      {R"({"connector_type":"aws","labels":{"k":1}})", "'labels.k' must be a string"},
      {R"({"connector_type":"aws","expires_at":"soon"})", "expires_at"},
      {R"({"name":"x"})", "'connector_type' is required"},
      {R"({"connector_type":"aws","configuration":{"k":"a"},"secrets":{"k":"b"}})", "both"},
  };
  for (auto const& c : cases) {
    auto r = ParseRegisterRequest(J(c.body));
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos)
        << c.body << " -> " << r.error().message;
  }
  EXPECT_FALSE(ParseJsonBody("{not json"));
  EXPECT_TRUE(ParseJsonBody(""));
}

TEST(ApiRequestsTest, UpdateBodyCarriesVersionAndLabelRemovals) {
  auto r = ParseUpdateRequest(J(R"({"version":3,"labels":{"a":"1","b":null},"shared":false,
      "remove_attrs":["policy"]})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->expected_version, 3);
  EXPECT_EQ(r->labels.at("a"), "1");
  EXPECT_FALSE(r->labels.at("b").has_value());
  EXPECT_EQ(r->shared, false);
  EXPECT_FALSE(ParseUpdateRequest(J(R"({"version":"3"})")));
  EXPECT_FALSE(ParseUpdateRequest(J(R"({"id":"x"})")));
}

TEST(ApiRequestsTest, SecretLoginUserAndKeyBodies) {
  EXPECT_FALSE(ParseSecretBody(J(R"({"name":"s"})"), true));
  EXPECT_TRUE(ParseSecretBody(J(R"({"name":"s","values":{"a":"b"}})"), true));
  EXPECT_TRUE(ParseSecretBody(J(R"({"shared":true})"), false));
  EXPECT_FALSE(ParseSecretBody(J(R"({"values":{"a":2}})"), false));
  EXPECT_FALSE(ParseLoginBody(J(R"({"username":"a"})")));
  EXPECT_TRUE(ParseLoginBody(J(R"({"username":"a","password":"p"})")));
  EXPECT_FALSE(ParseNewUserBody(J(R"({"admin":true})")));
  EXPECT_FALSE(ParseApiKeyBody(J(R"({"ttl_seconds":0})")));
  EXPECT_EQ(ParseApiKeyBody(J(R"({})"))->name, "api-key");
}

// Issue 14 (1, 10): a login's fields are bounded before anything sees them; lifetimes too.
TEST(ApiRequestsTest, LoginFieldsAndLifetimesAreBounded) {
  nlohmann::json login = {{"username", std::string(1 << 20, 'u')}, {"password", "p"}};
  auto huge = ParseLoginBody(login);
  ASSERT_FALSE(huge);
  EXPECT_LT(huge.error().message.size(), 200u) << "the name is not echoed";
  login["username"] = std::string(128, 'u');
  EXPECT_TRUE(ParseLoginBody(login));
  login["password"] = std::string(1025, 'p');
  EXPECT_FALSE(ParseLoginBody(login));
  login["password"] = "p";
  login["token_name"] = "t\x1b[2J";
  EXPECT_FALSE(ParseLoginBody(login));
  EXPECT_FALSE(ParseApiKeyBody(J(R"({"ttl_seconds":9223372036854775807})")));
  EXPECT_TRUE(ParseApiKeyBody(J(R"({"ttl_seconds":315360000})")));
  EXPECT_TRUE(ParseRegisterRequest(J(R"({"connector_type":"docker","share_secrets":true})"))
                  ->draft.share_secrets);
}

}  // namespace
}  // namespace latchkey::api
