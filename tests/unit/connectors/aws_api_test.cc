#include <gtest/gtest.h>

#include "common/strings.h"
#include "connectors/aws/aws_call.h"
#include "connectors/aws/service_apis.h"
#include "connectors/aws/sts_api.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"

namespace latchkey::aws {
namespace {

class AwsApiTest : public ::testing::Test {
 protected:
  testing::FakeHttpClient http;
  Context ctx{http, *ParseTimestamp("2026-01-01 00:00:00"), Environment(), false};
  AwsEndpoint endpoint{"us-east-1", std::string("http://127.0.0.1:9/"), {}};
  AwsCredentials creds{"AKIDTESTKEY", "secret-key-value", std::nullopt, std::nullopt};

  std::string Header(HttpRequest const& r, std::string const& name) {
    for (auto const& [k, v] : r.headers) {
      if (ToLower(k) == name) return v;
    }
    return "";
  }
};

constexpr char kStsCredentials[] =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult><Credentials>
    <AccessKeyId>ASIATEMP</AccessKeyId><SecretAccessKey>temp-secret</SecretAccessKey>
    <SessionToken>temp-token</SessionToken><Expiration>2026-01-01T01:00:00.123Z</Expiration>
  </Credentials></AssumeRoleResult></AssumeRoleResponse>)";

TEST_F(AwsApiTest, AssumeRoleSendsSignedFormAndParsesCredentials) {
  http.Enqueue(200, kStsCredentials);
  AssumeRoleRequest request{
      "arn:aws:iam::123456789012:role/r",
      "latchkey-connector/1",
      std::chrono::seconds(900),
      {std::string(R"({"Version":"2012-10-17"})"), {"arn:aws:iam::aws:policy/A"}},
      std::string("ext-1")};
  auto result = AssumeRole(ctx, endpoint, creds, request);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->access_key_id, "ASIATEMP");
  EXPECT_EQ(result->session_token, "temp-token");
  EXPECT_EQ(FormatIso8601(*result->expiration), "2026-01-01T01:00:00Z");
  ASSERT_EQ(http.requests.size(), 1u);
  auto const& r = http.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/");
  EXPECT_NE(r.body.find("Action=AssumeRole"), std::string::npos);
  EXPECT_NE(r.body.find("RoleSessionName=latchkey-connector-1"), std::string::npos);
  EXPECT_NE(r.body.find("PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA"),
            std::string::npos);
  EXPECT_NE(r.body.find("ExternalId=ext-1"), std::string::npos);
  EXPECT_EQ(r.body.find('+'), std::string::npos) << "form spaces must be %20 for Ceph RGW";
  EXPECT_TRUE(
      StartsWith(Header(r, "authorization"),
                 "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20260101/us-east-1/sts/aws4_request"));
}

TEST_F(AwsApiTest, PerServiceEndpointOverridesWin) {
  endpoint.service_endpoint_url["sts"] = "http://sts.local:1";
  endpoint.service_endpoint_url["eks"] = "http://eks.local:2/";
  http.Enqueue(200, kStsCredentials);
  ASSERT_TRUE(GetSessionToken(ctx, endpoint, creds, std::chrono::seconds(900)));
  EXPECT_EQ(http.requests[0].url, "http://sts.local:1/");
  EXPECT_EQ(endpoint.BaseUrl("eks"), "http://eks.local:2");
  EXPECT_EQ(endpoint.BaseUrl("s3"), "http://127.0.0.1:9") << "the others keep endpoint_url";
  AwsEndpoint aws_itself{"eu-west-1", {}, {}};
  EXPECT_EQ(aws_itself.BaseUrl("ecr"), "https://api.ecr.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws_itself.BaseUrl("s3"), "https://s3.eu-west-1.amazonaws.com");
}

TEST_F(AwsApiTest, ErrorsAreClassifiedAndNeverQuoteCredentials) {
  http.Enqueue(403, R"(<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>
      <Message>The security token AKIDTESTKEY is invalid.</Message></Error></ErrorResponse>)");
  auto r = GetCallerIdentity(ctx, endpoint, creds);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message.find("InvalidClientTokenId"), std::string::npos);
  EXPECT_EQ(r.error().message.find("AKIDTESTKEY"), std::string::npos) << r.error().message;
  http.Enqueue(403, R"(<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>)");
  auto denied = HeadBucket(ctx, endpoint, creds, "bucket2");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  http.Enqueue(404, R"({"__type":"RepositoryNotFoundException","message":"nope"})");
  EXPECT_EQ(DescribeEcrRepositories(ctx, endpoint, creds).error().code, ErrorCode::kNotFound);
}

TEST_F(AwsApiTest, ThrottlingIsRetriedThenSucceeds) {
  http.Enqueue(
      400,
      R"(<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>)");
  http.Enqueue(503, "");
  http.Enqueue(
      200,
      R"(<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/u</Arn>
      <UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>)");
  auto id = GetCallerIdentity(ctx, endpoint, creds);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->account, "123456789012");
  EXPECT_EQ(http.requests.size(), 3u);
}

TEST_F(AwsApiTest, AccessDeniedIsNotRetried) {
  http.Enqueue(403, R"(<Error><Code>AccessDenied</Code><Message>no</Message></Error>)");
  EXPECT_FALSE(ListBuckets(ctx, endpoint, creds));
  EXPECT_EQ(http.requests.size(), 1u);
}

TEST_F(AwsApiTest, ListBucketsAndPaginatedEksClusters) {
  http.Enqueue(200, R"(<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name></Bucket>
      <Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>)");
  EXPECT_EQ(*ListBuckets(ctx, endpoint, creds), (std::vector<std::string>{"a", "b"}));
  http.Enqueue(200, R"({"clusters":["c1"],"nextToken":"t/2"})");
  http.Enqueue(200, R"({"clusters":["c2"]})");
  EXPECT_EQ(*ListEksClusters(ctx, endpoint, creds), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(http.requests.back().url, "http://127.0.0.1:9/clusters?nextToken=t%2F2");
}

TEST_F(AwsApiTest, DescribeClusterAndEcrToken) {
  http.Enqueue(200,
               R"({"cluster":{"name":"c1","arn":"arn:aws:eks:us-east-1:123456789012:cluster/c1",
      "endpoint":"https://c1.eks.test","certificateAuthority":{"data":"Q0E="}}})");
  auto cluster = DescribeEksCluster(ctx, endpoint, creds, "c1");
  ASSERT_TRUE(cluster);
  EXPECT_EQ(cluster->endpoint, "https://c1.eks.test");
  EXPECT_EQ(cluster->ca_data_base64, "Q0E=");
  http.Enqueue(
      200,
      R"({"authorizationData":[{"authorizationToken":")" +
          crypto::Base64Encode("AWS:ecr-password") +
          R"(","expiresAt":1767268800.5,"proxyEndpoint":"https://123456789012.dkr.ecr.us-east-1.amazonaws.com"}]})");
  auto auth = GetEcrAuthorizationToken(ctx, endpoint, creds, "123456789012");
  ASSERT_TRUE(auth) << auth.error().message;
  EXPECT_EQ(auth->username, "AWS");
  EXPECT_EQ(auth->password, "ecr-password");
  EXPECT_EQ(FormatIso8601(*auth->expires_at), "2026-01-01T12:00:00Z");
  EXPECT_EQ(Header(http.requests.back(), "x-amz-target"),
            "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
}

// Peers' answers with the wrong types or absurd numbers are errors or clamped values, never an
// exception or undefined behaviour (the fuzz targets' findings, fuzz_aws_answers).
TEST_F(AwsApiTest, MistypedAndHugeAnswersAreHandled) {
  http.Enqueue(200, R"({"cluster":{"name":7,"endpoint":["x"]}})");
  auto cluster = DescribeEksCluster(ctx, endpoint, creds, "c1");
  ASSERT_FALSE(cluster);
  EXPECT_EQ(cluster.error().code, ErrorCode::kFailedPrecondition);
  http.Enqueue(200, R"({"authorizationData":[{"authorizationToken":")" +
                        crypto::Base64Encode("AWS:pw") + R"(","expiresAt":1e300}]})");
  auto auth = GetEcrAuthorizationToken(ctx, endpoint, creds, "123456789012");
  ASSERT_TRUE(auth) << auth.error().message;
  EXPECT_EQ(FormatIso8601(*auth->expires_at), "9999-12-31T23:59:59Z");
  http.Enqueue(200, R"({"authorizationData":[{"authorizationToken":false}]})");
  EXPECT_EQ(GetEcrAuthorizationToken(ctx, endpoint, creds, "1").error().code,
            ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace latchkey::aws
