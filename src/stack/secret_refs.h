// `{{secret_name.key}}` references in stack component configuration (upstream's secret_utils):
// the whole value is the reference; it names a Latchkey secret and one of its keys, and is
// resolved only when the component is used, by whoever uses it and with their access.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey {

struct SecretReference {
  std::string secret;  // name or ID
  std::string key;
};

// `{{ name.key }}` (whitespace inside the braces allowed, split at the first '.'); nullopt for
// any other value.
std::optional<SecretReference> ParseSecretReference(std::string const& value);

// Looks up a secret's values by name or ID.
using SecretLookup =
    std::function<Result<std::map<std::string, std::string>>(std::string const& name_or_id)>;

// A copy of `configuration` with every reference replaced by the secret's value. Errors name the
// attribute and the secret, never a value.
Result<std::map<std::string, std::string>> ResolveSecretReferences(
    std::map<std::string, std::string> const& configuration, SecretLookup const& lookup);

}  // namespace latchkey
