#include "connectors/aws/aws_policies.h"

#include <nlohmann/json.hpp>

#include "connectors/aws/aws_resource_ids.h"

namespace latchkey::aws {
namespace {

nlohmann::json Statement(std::string const& sid, std::vector<std::string> const& actions,
                         std::vector<std::string> const& resources) {
  return {{"Sid", sid}, {"Effect", "Allow"}, {"Action", actions}, {"Resource", resources}};
}

std::string Document(std::vector<nlohmann::json> statements) {
  return nlohmann::json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}}.dump();
}

}  // namespace

std::optional<std::string> SessionPolicyFor(std::string const& resource_type,
                                            std::optional<std::string> const& resource_id,
                                            std::string const& region) {
  if (resource_type == "s3-bucket") {
    std::string bucket = resource_id ? BucketName(*resource_id) : "*";
    return Document({Statement(
        "AllowS3BucketAccess",
        {"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListAllMyBuckets",
         "s3:GetBucketVersioning", "s3:ListBucketVersions", "s3:DeleteObjectVersion"},
        {"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"})});
  }
  if (resource_type == "kubernetes-cluster") {
    std::string cluster = resource_id.value_or("*");
    return Document({Statement("AllowEKSClusterAccess", {"eks:ListClusters", "eks:DescribeCluster"},
                               {"arn:aws:eks:" + region + ":*:cluster/" + cluster})});
  }
  if (resource_type == "docker-registry") {
    std::string repositories = "arn:aws:ecr:" + region + ":*:repository";
    return Document(
        {Statement("AllowECRRepositoryAccess",
                   {"ecr:DescribeRegistry", "ecr:DescribeRepositories", "ecr:ListImages",
                    "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                    "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload",
                    "ecr:PutImage", "ecr:BatchCheckLayerAvailability"},
                   {repositories + "/*", repositories}),
         Statement("AllowECRAuthorizationToken", {"ecr:GetAuthorizationToken"}, {"*"})});
  }
  return std::nullopt;
}

}  // namespace latchkey::aws
