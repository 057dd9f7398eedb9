// `--FIELD=VALUE` attribute arguments that are not CLI options (upstream's extra args).
#pragma once

#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace latchkey::cli {

// Accepts `--k=v` and `--k v`; a value `@path` is replaced by the file's contents (`@@x` is the
// literal `@x`), and `notes` gets upstream's line saying so (`Expanding argument value k to
// contents of file /abs/path.`: the name and path, never the contents). Dashes in names become
// underscores. Anything else is refused.
Result<std::map<std::string, std::string>> ParseAttributeArgs(std::vector<std::string> const& args,
                                                              std::ostream& notes = std::cerr);

// Parses `k=v` label pairs; `k` alone maps to nullopt (filter: key present; update: remove).
Result<std::map<std::string, std::optional<std::string>>> ParseLabels(
    std::vector<std::string> const& labels);

}  // namespace latchkey::cli
