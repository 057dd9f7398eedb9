#include "connectors/gcp/gcp_resource_ids.h"

#include <gtest/gtest.h>

namespace latchkey::gcp {
namespace {

TEST(GcpResourceIdsTest, BucketsTakeBothFormsAndDots) {
  EXPECT_EQ(*CanonicalGcsBucketId("my-bucket"), "gs://my-bucket");
  EXPECT_EQ(*CanonicalGcsBucketId("gs://my-bucket/"), "gs://my-bucket");
  EXPECT_EQ(*CanonicalGcsBucketId("gs://data.example.com"), "gs://data.example.com");
  EXPECT_FALSE(CanonicalGcsBucketId("Upper"));
  EXPECT_FALSE(CanonicalGcsBucketId("ab"));
  EXPECT_FALSE(CanonicalGcsBucketId("a..b"));
  EXPECT_FALSE(CanonicalGcsBucketId("-leading"));
  EXPECT_FALSE(CanonicalGcsBucketId(std::string(64, 'a')));
  EXPECT_EQ(GcsBucketName("gs://b1"), "b1");
}

TEST(GcpResourceIdsTest, ClustersAreNamesOrLocationSlashName) {
  auto plain = ParseGkeClusterId("prod");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->location);
  auto located = ParseGkeClusterId("us-central1/prod");
  ASSERT_TRUE(located);
  EXPECT_EQ(*located->location, "us-central1");
  EXPECT_EQ(CanonicalGkeClusterId(*located), "us-central1/prod");
  auto gcloud = ParseGkeClusterId("gke_my-proj_europe-west1-b_prod");
  ASSERT_TRUE(gcloud);
  EXPECT_EQ(CanonicalGkeClusterId(*gcloud), "europe-west1-b/prod");
  EXPECT_FALSE(ParseGkeClusterId("a/b/c"));
  EXPECT_FALSE(ParseGkeClusterId("Prod"));
}

TEST(GcpResourceIdsTest, RegistriesInEveryForm) {
  EXPECT_EQ(ParseRegistryId("gcr.io/proj")->Canonical(), "gcr.io/proj");
  EXPECT_EQ(ParseRegistryId("https://eu.gcr.io/proj/image")->Canonical(), "eu.gcr.io/proj");
  auto gar = ParseRegistryId("us-central1-docker.pkg.dev/proj/repo/image");
  ASSERT_TRUE(gar);
  EXPECT_TRUE(gar->IsArtifactRegistry());
  EXPECT_EQ(gar->Canonical(), "us-central1-docker.pkg.dev/proj/repo");
  EXPECT_EQ(*gar->location, "us-central1");
  auto resource = ParseRegistryId("projects/proj/locations/europe-west1/repositories/r1");
  ASSERT_TRUE(resource);
  EXPECT_EQ(resource->Canonical(), "europe-west1-docker.pkg.dev/proj/r1");
  EXPECT_FALSE(ParseRegistryId("docker.io/library"));
  EXPECT_FALSE(ParseRegistryId("us-docker.pkg.dev/proj"));
  EXPECT_FALSE(ParseRegistryId("gcr.io"));
}

}  // namespace
}  // namespace latchkey::gcp
