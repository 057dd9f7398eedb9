// Resource IDs of the AWS connector: the accepted forms and their canonical form.
#pragma once

#include <string>

#include "common/error.h"

namespace latchkey::aws {

// `s3://b`, `arn:aws:s3:::b` or `b` -> `s3://b`. Bucket names follow S3's rules (3-63 chars of
// lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit).
Result<std::string> CanonicalS3BucketId(std::string const& id);
std::string BucketName(std::string const& canonical_id);  // `s3://b` -> `b`

// `name` or `arn:aws:eks:{region}:{account}:cluster/{name}` -> `name`; an ARN's region must be
// the connector's.
Result<std::string> CanonicalEksClusterId(std::string const& id, std::string const& region);

// `[https://]{account}.dkr.ecr.{region}.amazonaws.com[/repo]` or
// `arn:aws:ecr:{region}:{account}:repository[/repo]` -> `{account}.dkr.ecr.{region}.amazonaws.com`.
Result<std::string> CanonicalEcrRegistryId(std::string const& id, std::string const& region);
std::string EcrRegistryHost(std::string const& account, std::string const& region);
// The account of a canonical ECR registry ID.
std::string EcrAccount(std::string const& canonical_id);

}  // namespace latchkey::aws
