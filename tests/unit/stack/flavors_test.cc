#include "stack/flavors.h"

#include <gtest/gtest.h>

#include "stack/secret_refs.h"

namespace latchkey {
namespace {

Flavor const& Get(ComponentType type, std::string const& name) {
  auto f = RequireFlavor(type, name);
  EXPECT_TRUE(f) << f.error().message;
  return **f;
}

TEST(FlavorsTest, CatalogueHasTheIssueFlavorsAndRequirements) {
  auto s3 = Get(ComponentType::kArtifactStore, "s3");
  ASSERT_TRUE(s3.requirement);
  EXPECT_EQ(s3.requirement->resource_type, "s3-bucket");
  EXPECT_EQ(s3.requirement->resource_id_attr, "path");
  EXPECT_EQ(Get(ComponentType::kArtifactStore, "gcs").requirement->resource_type, "gcs-bucket");
  auto azure = Get(ComponentType::kArtifactStore, "azure");
  EXPECT_EQ(azure.requirement->resource_type, "blob-container");
  EXPECT_EQ(azure.requirement->connector_type, "azure");
  EXPECT_FALSE(Get(ComponentType::kArtifactStore, "local").requirement);
  auto ecr = Get(ComponentType::kContainerRegistry, "aws");
  EXPECT_EQ(ecr.requirement->connector_type, "aws");
  EXPECT_EQ(ecr.requirement->resource_type, "docker-registry");
  EXPECT_EQ(ecr.requirement->resource_id_attr, "uri");
  EXPECT_EQ(Get(ComponentType::kContainerRegistry, "default").requirement->connector_type,
            std::nullopt);
  EXPECT_TRUE(Get(ComponentType::kContainerRegistry, "gcp").requirement);
  EXPECT_TRUE(Get(ComponentType::kContainerRegistry, "azure").requirement);
  EXPECT_FALSE(Get(ComponentType::kOrchestrator, "local").requirement);
  EXPECT_EQ(Get(ComponentType::kOrchestrator, "kubernetes").requirement->resource_type,
            "kubernetes-cluster");
}

TEST(FlavorsTest, UnknownFlavorNamesTheKnownOnes) {
  auto f = RequireFlavor(ComponentType::kArtifactStore, "hdfs");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, ErrorCode::kNotFound);
  EXPECT_NE(f.error().message.find("local, s3, gcs, azure"), std::string::npos);
}

TEST(FlavorsTest, ResourceIdComesFromTheBucketOfThePath) {
  auto const& s3 = Get(ComponentType::kArtifactStore, "s3");
  EXPECT_EQ(ResourceIdFromConfiguration(s3, {{"path", "s3://bucket/some/prefix"}}), "s3://bucket");
  EXPECT_EQ(ResourceIdFromConfiguration(s3, {{"path", "s3://bucket"}}), "s3://bucket");
  EXPECT_EQ(ResourceIdFromConfiguration(Get(ComponentType::kArtifactStore, "gcs"),
                                        {{"path", "gs://b/x"}}),
            "gs://b");
  EXPECT_EQ(ResourceIdFromConfiguration(s3, {}), std::nullopt);
  auto const& ecr = Get(ComponentType::kContainerRegistry, "aws");
  EXPECT_EQ(ResourceIdFromConfiguration(ecr, {{"uri", "1.dkr.ecr.us-east-1.amazonaws.com"}}),
            "1.dkr.ecr.us-east-1.amazonaws.com");
}

TEST(FlavorsTest, ConfigurationIsCheckedAgainstTheFlavor) {
  auto const& s3 = Get(ComponentType::kArtifactStore, "s3");
  EXPECT_TRUE(ValidateConfiguration(s3, {{"path", "s3://b/p"}}));
  auto missing = ValidateConfiguration(s3, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("--path"), std::string::npos);
  auto unknown = ValidateConfiguration(s3, {{"path", "s3://b"}, {"colour", "red"}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("'colour'"), std::string::npos);
  EXPECT_FALSE(ValidateConfiguration(s3, {{"path", "gs://b"}}));
  EXPECT_FALSE(ValidateConfiguration(s3, {{"path", "s3://"}}));
  // A secret attribute takes a reference, never the credential itself (which is not repeated).
  auto clear = ValidateConfiguration(s3, {{"path", "s3://b"}, {"secret", "wJalrXUtnFEMI"}});
  ASSERT_FALSE(clear);
  EXPECT_EQ(clear.error().message.find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_TRUE(ValidateConfiguration(s3, {{"path", "s3://b"}, {"secret", "{{aws.secret_key}}"}}));
}

TEST(FlavorsTest, RequirementMatchesConnectorTypeAndResourceType) {
  auto const& ecr = *Get(ComponentType::kContainerRegistry, "aws").requirement;
  EXPECT_TRUE(SatisfiesRequirement(ecr, "aws", {"s3-bucket", "docker-registry"}));
  EXPECT_FALSE(SatisfiesRequirement(ecr, "docker", {"docker-registry"}));
  EXPECT_FALSE(SatisfiesRequirement(ecr, "aws", {"s3-bucket"}));
  auto const& any = *Get(ComponentType::kContainerRegistry, "default").requirement;
  EXPECT_TRUE(SatisfiesRequirement(any, "docker", {"docker-registry"}));
}

TEST(FlavorsTest, DescribeS3PrintsTheSeedsRequirementText) {
  std::string text = DescribeFlavor(Get(ComponentType::kArtifactStore, "s3"));
  EXPECT_EQ(text.rfind("Configuration class: S3ArtifactStoreConfig\n", 0), 0u);
  EXPECT_NE(text.find("This flavor supports connecting to external resources with a Service "
                      "Connector. It requires a 's3-bucket' resource. You can get a list of all "
                      "available connectors and the compatible resources that they can access by "
                      "running:\n\n'latchkey service-connector list-resources --resource-type "
                      "s3-bucket'\nIf no compatible Service Connectors are yet registered, you can "
                      "register a new one by running:\n\n'latchkey service-connector register "
                      "-i'\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace latchkey
