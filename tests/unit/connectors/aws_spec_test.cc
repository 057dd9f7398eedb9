#include "connectors/aws/aws_spec.h"

#include <gtest/gtest.h>

namespace latchkey::aws {
namespace {

TEST(AwsSpec, MethodsAndBoundsAsUpstream) {
  ConnectorTypeSpec const& s = AwsSpec();
  EXPECT_EQ(s.AuthMethodNames(),
            (std::vector<std::string>{"implicit", "secret-key", "sts-token", "iam-role",
                                      "session-token", "federation-token"}));
  EXPECT_EQ(s.ResourceTypeNames(),
            (std::vector<std::string>{"aws-generic", "s3-bucket", "kubernetes-cluster",
                                      "docker-registry"}));
  auto const* session = s.FindAuthMethod("session-token");
  EXPECT_EQ(session->min_expiration_seconds, 900);
  EXPECT_EQ(session->default_expiration_seconds, 43200);
  EXPECT_EQ(session->max_expiration_seconds, 129600);
  auto const* role = s.FindAuthMethod("iam-role");
  EXPECT_EQ(role->default_expiration_seconds, 3600);
  EXPECT_TRUE(role->FindField("role_arn")->required);
  EXPECT_FALSE(s.FindAuthMethod("secret-key")->SupportsTemporaryCredentials());
  EXPECT_TRUE(s.FindAuthMethod("sts-token")->FindField("aws_session_token")->secret);
  EXPECT_TRUE(s.FindAuthMethod("secret-key")->FindField("aws_secret_access_key")->secret);
  EXPECT_FALSE(s.FindAuthMethod("secret-key")->FindField("region")->secret);
  EXPECT_TRUE(s.FindResourceType("s3-bucket")->supports_instances);
  EXPECT_FALSE(s.FindResourceType("docker-registry")->supports_instances);
}

}  // namespace
}  // namespace latchkey::aws
