#include "stack/secret_refs.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace latchkey {

std::optional<SecretReference> ParseSecretReference(std::string const& value) {
  if (!StartsWith(value, "{{") || !EndsWith(value, "}}") || value.size() < 4) return std::nullopt;
  std::string inner = Trim(std::string_view(value).substr(2, value.size() - 4));
  if (inner.empty()) return std::nullopt;
  for (char c : inner) {
    if (std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
  }
  size_t dot = inner.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == inner.size()) return std::nullopt;
  return SecretReference{inner.substr(0, dot), inner.substr(dot + 1)};
}

Result<std::map<std::string, std::string>> ResolveSecretReferences(
    std::map<std::string, std::string> const& configuration, SecretLookup const& lookup) {
  std::map<std::string, std::string> out = configuration;
  std::map<std::string, std::map<std::string, std::string>> fetched;
  for (auto& [attr, value] : out) {
    auto ref = ParseSecretReference(value);
    if (!ref) continue;
    auto it = fetched.find(ref->secret);
    if (it == fetched.end()) {
      auto values = lookup(ref->secret);
      if (!values) {
        return Fail(values.error(),
                    fmt::format("resolving attribute '{}' (secret '{}')", attr, ref->secret));
      }
      it = fetched.emplace(ref->secret, std::move(*values)).first;
    }
    auto key = it->second.find(ref->key);
    if (key == it->second.end()) {
      return Fail(ErrorCode::kNotFound,
                  fmt::format("attribute '{}' refers to key '{}' of secret '{}', which has no "
                              "such key",
                              attr, ref->key, ref->secret));
    }
    value = key->second;
  }
  return out;
}

}  // namespace latchkey
