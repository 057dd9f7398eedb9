#include "core/model_json.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

Connector Sample() {
  Connector c;
  c.id = "0f6c6a1e-2f5e-4a36-9e5c-2f1d4c3b2a10";
  c.name = "aws-s3";
  c.connector_type = "aws";
  c.auth_method = "iam-role";
  c.resource_types = {"s3-bucket"};
  c.resource_id = "s3://b";
  c.configuration = {{"region", "eu-west-1"}, {"policy_arns", {"arn:a", "arn:b"}}};
  c.secrets = {{"aws_secret_access_key", "s3cr3t"}};
  c.labels = {{"team", "ml"}};
  c.expiration_seconds = 3600;
  c.expires_at = TimePoint(std::chrono::seconds(1'900'000'000));
  c.owner = "u1";
  c.shared = true;
  c.version = 7;
  c.created = TimePoint(std::chrono::seconds(1'700'000'000));
  c.updated = TimePoint(std::chrono::seconds(1'700'000'100));
  return c;
}

TEST(ModelJsonTest, ConnectorRoundTripsThroughItsJson) {
  Connector c = Sample();
  auto back = ConnectorFromJson(ToJson(c, true));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(ToJson(*back, true), ToJson(c, true));
  auto hidden = ConnectorFromJson(ToJson(c, false));
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->secrets.at("aws_secret_access_key"), kHidden);
}

TEST(ModelJsonTest, MalformedDocumentsAreErrorsNotCrashes) {
  nlohmann::json j = ToJson(Sample(), false);
  j["resource_types"] = "s3-bucket";
  auto r = ConnectorFromJson(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  j = ToJson(Sample(), false);
  j["expires_at"] = "not a time";
  EXPECT_FALSE(ConnectorFromJson(j));
  EXPECT_FALSE(ConnectorFromJson(nlohmann::json::array()));
  EXPECT_FALSE(ResourcesReportFromJson({{"connector_type", "aws"}}));
  EXPECT_FALSE(SecretFromJson({{"id", 3}}));
  // Found by fuzz_credential_formats: a float out of int64_t's range converted with a cast that
  // is undefined. Numbers that are not integers that fit are refused instead.
  for (nlohmann::json bad :
       {nlohmann::json(5.5e102), nlohmann::json(1.5), nlohmann::json(18446744073709551615u)}) {
    j = ToJson(Sample(), false);
    j["version"] = bad;
    EXPECT_FALSE(ConnectorFromJson(j)) << bad;
    j = ToJson(Sample(), false);
    j["expiration_seconds"] = bad;
    EXPECT_FALSE(ConnectorFromJson(j)) << bad;
  }
}

TEST(ModelJsonTest, ReportAndSecretRoundTrip) {
  ResourcesReport r;
  r.id = "x";
  r.connector_type = "aws";
  r.resources = {{"s3-bucket", {}, {}}, {"docker-registry", {}, {}}};
  r.SetResourceIds("s3-bucket", {"s3://a", "s3://b"});
  r.SetTypeError("docker-registry", "denied");
  auto back = ResourcesReportFromJson(ToJson(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(ToJson(*back), ToJson(r));
  Secret s{"id1", "db", {{"password", "p"}}, "u1", true, TimePoint{}, TimePoint{}};
  auto sb = SecretFromJson(ToJson(s, true));
  ASSERT_TRUE(sb);
  EXPECT_EQ(ToJson(*sb, true), ToJson(s, true));
}

}  // namespace
}  // namespace latchkey
