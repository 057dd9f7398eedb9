// Session policies that scope temporary credentials down to one resource (upstream's lists of
// actions), attached to AssumeRole / GetFederationToken when the connector has no explicit policy.
#pragma once

#include <optional>
#include <string>

namespace latchkey::aws {

// The IAM policy document for `resource_type` and, when given, one resource (a canonical ID);
// nullopt for `aws-generic`, which is not down-scoped. Minified JSON (what Ceph RGW and AWS
// both parse; RGW refuses form-encoded spaces).
std::optional<std::string> SessionPolicyFor(std::string const& resource_type,
                                            std::optional<std::string> const& resource_id,
                                            std::string const& region);

}  // namespace latchkey::aws
