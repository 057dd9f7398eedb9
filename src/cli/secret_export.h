// `secret export`: a secret's keys and values as YAML, the form `secret create -v @FILE` reads
// back. The values are secret: only their owner's explicit request prints or writes them.
#pragma once

#include <map>
#include <string>

#include "common/error.h"

namespace latchkey::cli {

// A YAML mapping with every key and value double-quoted, so no value is read back as a number,
// a boolean or null, and control characters are escaped.
std::string SecretValuesYaml(std::map<std::string, std::string> const& values);

// Writes `yaml` to `path` with mode 0600, atomically; an existing file is refused unless
// `overwrite`, and the refusal leaves it untouched.
Result<void> WriteSecretExport(std::string const& path, std::string const& yaml, bool overwrite);

}  // namespace latchkey::cli
