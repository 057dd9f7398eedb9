#include "connectors/aws/aws_resource_ids.h"

#include <fmt/format.h>

#include <regex>

#include "common/strings.h"

namespace latchkey::aws {
namespace {

bool ValidBucketName(std::string const& name) {
  static std::regex const kBucket("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
  return std::regex_match(name, kBucket) && name.find("..") == std::string::npos;
}

bool ValidEksName(std::string const& name) {
  static std::regex const kCluster("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$");
  return std::regex_match(name, kCluster);
}

}  // namespace

Result<std::string> CanonicalS3BucketId(std::string const& id) {
  std::string name = Trim(id);
  if (StartsWith(name, "s3://")) {
    name = name.substr(5);
  } else if (StartsWith(name, "arn:aws:s3:::")) {
    name = name.substr(13);
  }
  if (EndsWith(name, "/")) name.pop_back();
  if (!ValidBucketName(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not an S3 bucket; use s3://{{bucket-name}}, "
                            "arn:aws:s3:::{{bucket-name}} or {{bucket-name}}",
                            id));
  }
  return "s3://" + name;
}

std::string BucketName(std::string const& canonical_id) {
  return StartsWith(canonical_id, "s3://") ? canonical_id.substr(5) : canonical_id;
}

Result<std::string> CanonicalEksClusterId(std::string const& id, std::string const& region) {
  std::string name = Trim(id);
  static std::regex const kArn("^arn:aws[a-z-]*:eks:([a-z0-9-]+):([0-9]{12}):cluster/(.+)$");
  std::smatch m;
  if (std::regex_match(name, m, kArn)) {
    if (m[1].str() != region) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("EKS cluster '{}' is in region {}, but the connector is configured "
                              "for {}",
                              id, m[1].str(), region));
    }
    name = m[3].str();
  }
  if (!ValidEksName(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not an EKS cluster; use {{cluster-name}} or "
                            "arn:aws:eks:{{region}}:{{account-id}}:cluster/{{cluster-name}}",
                            id));
  }
  return name;
}

std::string EcrRegistryHost(std::string const& account, std::string const& region) {
  return fmt::format("{}.dkr.ecr.{}.amazonaws.com", account, region);
}

std::string EcrAccount(std::string const& canonical_id) { return Split(canonical_id, '.')[0]; }

Result<std::string> CanonicalEcrRegistryId(std::string const& id, std::string const& region) {
  std::string text = Trim(id);
  static std::regex const kHost(
      "^(?:https?://)?([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:/.*)?$");
  static std::regex const kArn("^arn:aws[a-z-]*:ecr:([a-z0-9-]+):([0-9]{12}):repository(?:/.*)?$");
  std::smatch m;
  std::string account, registry_region;
  if (std::regex_match(text, m, kHost)) {
    account = m[1].str();
    registry_region = m[2].str();
  } else if (std::regex_match(text, m, kArn)) {
    registry_region = m[1].str();
    account = m[2].str();
  } else {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' is not an ECR registry; use "
                    "[https://]{{account}}.dkr.ecr.{{region}}.amazonaws.com[/{{repository}}] "
                    "or arn:aws:ecr:{{region}}:{{account}}:repository[/{{repository}}]",
                    id));
  }
  if (registry_region != region) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("ECR registry '{}' is in region {}, but the connector is configured "
                            "for {}",
                            id, registry_region, region));
  }
  return EcrRegistryHost(account, registry_region);
}

}  // namespace latchkey::aws
