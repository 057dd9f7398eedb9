// `--FIELD=VALUE` attribute arguments that are not CLI options (upstream's extra args).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace latchkey::cli {

// Accepts `--k=v` and `--k v`; a value `@path` is replaced by the file's contents (`@@x` is the
// literal `@x`). Dashes in names become underscores. Anything else is refused.
Result<std::map<std::string, std::string>> ParseAttributeArgs(std::vector<std::string> const& args);

// Parses `k=v` label pairs; `k` alone maps to nullopt (filter: key present; update: remove).
Result<std::map<std::string, std::optional<std::string>>> ParseLabels(
    std::vector<std::string> const& labels);

}  // namespace latchkey::cli
