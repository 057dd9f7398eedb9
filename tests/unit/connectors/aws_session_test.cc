#include "connectors/aws/aws_session.h"

#include <gtest/gtest.h>

#include "core/connector_ops.h"
#include "core/connector_validation.h"
#include "core/registry.h"
#include "fake_http_client.h"

namespace latchkey::aws {
namespace {

constexpr char kCredentials[] = R"(<R><Credentials><AccessKeyId>ASIATEMP</AccessKeyId>
  <SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>
  <Expiration>2026-01-01T01:00:00Z</Expiration></Credentials></R>)";

class AwsSessionTest : public ::testing::Test {
 protected:
  testing::FakeHttpClient http;
  Context ctx{http, *ParseTimestamp("2026-01-01 00:00:00"), Environment(), false};

  Connector Make(std::string method, RawValues extra = {}) {
    Connector c;
    c.id = "0123456789abcdef";
    c.name = "a";
    c.auth_method = std::move(method);
    RawValues values = {{"aws_access_key_id", "AKIDLONG"},
                        {"aws_secret_access_key", "long-secret"},
                        {"region", "us-east-1"},
                        {"endpoint_url", "http://127.0.0.1:9"}};
    for (auto& [k, v] : extra) values[k] = v;
    auto r = NormalizeConnector(*FindConnectorType("aws"), c, values);
    EXPECT_TRUE(r) << r.error().message;
    return c;
  }
};

TEST_F(AwsSessionTest, SecretKeyHandsOutTheConfiguredKeys) {
  auto creds = ClientCredentials(ctx, Make("secret-key"), "s3-bucket", std::string("s3://b"));
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->access_key_id, "AKIDLONG");
  EXPECT_TRUE(http.requests.empty());
}

TEST_F(AwsSessionTest, IamRoleScopesToTheRequestedBucket) {
  http.Enqueue(200, kCredentials);
  auto creds = ClientCredentials(ctx, Make("iam-role", {{"role_arn", "arn:aws:iam::1:role/r"}}),
                                 "s3-bucket", std::string("s3://bucket1"));
  ASSERT_TRUE(creds) << creds.error().message;
  EXPECT_EQ(creds->session_token, "t");
  std::string const& body = http.requests.at(0).body;
  EXPECT_NE(body.find("Action=AssumeRole"), std::string::npos);
  EXPECT_NE(body.find("arn%3Aaws%3As3%3A%3A%3Abucket1%2F%2A"), std::string::npos) << body;
  EXPECT_NE(body.find("DurationSeconds=3600"), std::string::npos);
}

TEST_F(AwsSessionTest, ExplicitPolicyWins) {
  http.Enqueue(200, kCredentials);
  auto c = Make("federation-token", {{"policy_arns", "arn:aws:iam::aws:policy/ReadOnlyAccess"}});
  ASSERT_TRUE(ClientCredentials(ctx, c, "s3-bucket", std::string("s3://bucket1")));
  std::string const& body = http.requests.at(0).body;
  EXPECT_NE(body.find("PolicyArns.member.1.arn="), std::string::npos);
  EXPECT_EQ(body.find("bucket1"), std::string::npos) << "no generated policy next to explicit ones";
}

TEST_F(AwsSessionTest, FederationTokenForGenericNeedsAPolicy) {
  auto r =
      ClientCredentials(ctx, Make("federation-token"), "aws-generic", std::string("us-east-1"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("policy"), std::string::npos);
  EXPECT_TRUE(http.requests.empty());
}

TEST_F(AwsSessionTest, ImplicitIsGated) {
  Connector c;
  c.auth_method = "implicit";
  auto refused = ConfiguredCredentials(ctx, c);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS"),
            std::string::npos);
  ctx.allow_implicit_auth = true;
  ctx.env.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  ctx.env.Set("AWS_SECRET_ACCESS_KEY", "env-secret");
  auto creds = ConfiguredCredentials(ctx, c);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->access_key_id, "AKIDENV");
}

size_t CountAssumeRole(std::vector<HttpRequest> const& requests) {
  size_t n = 0;
  for (auto const& r : requests) n += r.body.find("Action=AssumeRole") != std::string::npos;
  return n;
}

// Issuing a client verifies the resource with the assumed role first; the client then gets those
// same credentials rather than a second AssumeRole.
TEST_F(AwsSessionTest, IssuingAClientAssumesTheRoleOnce) {
  http.SetHandler([](HttpRequest const& request) -> Result<HttpResponse> {
    if (request.body.find("Action=AssumeRole") != std::string::npos) {
      return HttpResponse{200, {}, kCredentials};
    }
    return HttpResponse{200, {}, ""};  // HeadBucket
  });
  Connector c = Make("iam-role", {{"role_arn", "arn:aws:iam::1:role/r"}});
  auto client = GetConnectorClient(ctx, *FindConnectorType("aws"), c, std::string("s3-bucket"),
                                   std::string("s3://bucket1"));
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->secrets.at("aws_access_key_id"), "ASIATEMP");
  EXPECT_EQ(CountAssumeRole(http.requests), 1u);
  EXPECT_EQ(http.requests.size(), 2u);  // AssumeRole, HeadBucket

  // Another request (a new context) assumes the role afresh; so does another resource.
  Context next{http, ctx.now, Environment(), false};
  ASSERT_TRUE(ClientCredentials(next, c, "s3-bucket", std::string("s3://bucket1")));
  ASSERT_TRUE(ClientCredentials(next, c, "s3-bucket", std::string("s3://bucket2")));
  EXPECT_EQ(CountAssumeRole(http.requests), 3u);
}

}  // namespace
}  // namespace latchkey::aws
