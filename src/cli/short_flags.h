// Upstream's multi-letter short flags, which CLI11 does not parse: it reads "-ri" as "-r i",
// so `describe X -ri s3://b` sets the resource type to "i". They are rewritten to their long
// form once, before parsing, so every command that has `--resource-id` accepts them.
#pragma once

#include <string>
#include <vector>

namespace latchkey::cli {

// `args` without the program name. A standalone "-ri" becomes "--resource-id" and "-ri=VALUE"
// "--resource-id=VALUE". A standalone token of the form "-x..." can never be the value of the
// option before it (CLI11 always reads it as an option), so this rewrites no value; a value
// attached with '=' (`--description=-ri`), a word containing "-ri" and everything after "--"
// are left as they are.
std::vector<std::string> ExpandMultiLetterFlags(std::vector<std::string> args);

}  // namespace latchkey::cli
