// The INI dialect the AWS CLI and gcloud write: `[section]`, `key = value`, comments with '#' or
// ';'. Nested blocks ("s3 =" followed by indented lines, an AWS CLI form) are skipped.
#pragma once

#include <map>
#include <string>

namespace latchkey {

using IniSection = std::map<std::string, std::string>;
using IniFile = std::map<std::string, IniSection>;  // section name as written, e.g. "profile x"

IniFile ParseIni(std::string const& text);

}  // namespace latchkey
