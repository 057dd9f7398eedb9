// yaml-cpp at the kubeconfig boundary: parsing without exceptions escaping, lookups that never
// insert, and an emitter that keeps strings strings. yaml-cpp's own emitter writes the string
// "true" or "123" unquoted, which kubectl would then read as a bool or a number.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey {

// Parses kubeconfig text; an empty document becomes an empty map. `source` (a path) names the
// file in errors, which quote yaml-cpp's position and reason but no content.
Result<YAML::Node> ParseKubeconfigYaml(std::string const& text, std::string const& source);

// `map[key]` when `map` is a map holding `key`, else an undefined node. Unlike yaml-cpp's own
// lookups it never inserts and never returns the "zombie" nodes whose accessors throw.
YAML::Node YamlChild(YAML::Node const& map, std::string const& key);
// Whether `node` is a map / a sequence; false (not an exception) for zombie nodes.
bool IsYamlMap(YAML::Node const& node);
bool IsYamlSequence(YAML::Node const& node);
// The string value of `map[key]`, when `map` is a map and the entry is a scalar.
std::optional<std::string> YamlString(YAML::Node const& map, std::string const& key);
// `map[key]` read as a YAML boolean; unset or unparsable values are false.
bool YamlBool(YAML::Node const& map, std::string const& key);
// The element of the sequence `list` whose `name` is `name`, or an undefined node.
YAML::Node FindNamedEntry(YAML::Node const& list, std::string const& name);

// A scalar node emitted verbatim (unquoted), for booleans and numbers this code writes.
YAML::Node PlainYamlScalar(std::string const& text);

// Block-style YAML of `root`. Scalars the input had plain keep their plain form; every other
// string is quoted whenever its plain form would read back as something else.
std::string EmitKubeconfigYaml(YAML::Node const& root);

}  // namespace latchkey
