#include "connectors/aws/aws_resource_ids.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "connectors/aws/aws_policies.h"

namespace latchkey::aws {
namespace {

TEST(AwsResourceIds, S3BucketForms) {
  for (std::string id :
       {"s3://my.bucket-1", "arn:aws:s3:::my.bucket-1", "my.bucket-1", "s3://my.bucket-1/"}) {
    auto c = CanonicalS3BucketId(id);
    ASSERT_TRUE(c) << id;
    EXPECT_EQ(*c, "s3://my.bucket-1");
  }
  for (std::string id : std::vector<std::string>{"", "ab", "Upper", "-lead", "trail-", "a..b",
                                                 "s3://", "gs://x-bucket", std::string(64, 'a')}) {
    EXPECT_FALSE(CanonicalS3BucketId(id)) << id;
  }
  EXPECT_EQ(BucketName("s3://b-1"), "b-1");
}

TEST(AwsResourceIds, EksClusterForms) {
  EXPECT_EQ(*CanonicalEksClusterId("zenhacks-cluster", "us-east-1"), "zenhacks-cluster");
  EXPECT_EQ(*CanonicalEksClusterId("arn:aws:eks:us-east-1:715803424590:cluster/zenhacks-cluster",
                                   "us-east-1"),
            "zenhacks-cluster");
  auto other_region =
      CanonicalEksClusterId("arn:aws:eks:eu-west-1:715803424590:cluster/c", "us-east-1");
  ASSERT_FALSE(other_region);
  EXPECT_NE(other_region.error().message.find("eu-west-1"), std::string::npos);
  EXPECT_FALSE(CanonicalEksClusterId("has space", "us-east-1"));
}

TEST(AwsResourceIds, EcrRegistryForms) {
  std::string canonical = "715803424590.dkr.ecr.us-east-1.amazonaws.com";
  for (std::string id : std::vector<std::string>{
           canonical, "https://" + canonical, canonical + "/repo/x",
           std::string("arn:aws:ecr:us-east-1:715803424590:repository"),
           std::string("arn:aws:ecr:us-east-1:715803424590:repository/repo")}) {
    auto c = CanonicalEcrRegistryId(id, "us-east-1");
    ASSERT_TRUE(c) << id << ": " << c.error().message;
    EXPECT_EQ(*c, canonical);
  }
  EXPECT_FALSE(CanonicalEcrRegistryId(canonical, "eu-west-1"));
  EXPECT_FALSE(CanonicalEcrRegistryId("docker.io", "us-east-1"));
  EXPECT_EQ(EcrAccount(canonical), "715803424590");
}

TEST(AwsPolicies, S3PolicyNamesExactlyOneBucket) {
  auto policy = SessionPolicyFor("s3-bucket", std::string("s3://bucket1"), "us-east-1");
  ASSERT_TRUE(policy);
  auto doc = nlohmann::json::parse(*policy);
  EXPECT_EQ(doc["Statement"][0]["Resource"],
            nlohmann::json({"arn:aws:s3:::bucket1", "arn:aws:s3:::bucket1/*"}));
  EXPECT_EQ(policy->find(' '), std::string::npos) << "minified: RGW refuses encoded spaces";
  EXPECT_FALSE(SessionPolicyFor("aws-generic", std::nullopt, "us-east-1"));
  auto eks = nlohmann::json::parse(
      *SessionPolicyFor("kubernetes-cluster", std::string("c1"), "eu-west-1"));
  EXPECT_EQ(eks["Statement"][0]["Resource"][0], "arn:aws:eks:eu-west-1:*:cluster/c1");
  auto ecr = nlohmann::json::parse(*SessionPolicyFor("docker-registry", std::nullopt, "us-east-1"));
  EXPECT_EQ(ecr["Statement"][1]["Action"][0], "ecr:GetAuthorizationToken");
}

}  // namespace
}  // namespace latchkey::aws
