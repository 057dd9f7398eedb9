// Runs the az CLI without a shell (argv as given, PATH lookup) and captures what it prints: the
// one way the broker reads an `az login` session, since the CLI's token cache format is private.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace latchkey::azure {

struct CommandOutput {
  int exit_status = 0;
  std::string out;
  std::string err;
};

Result<CommandOutput> RunCommand(std::vector<std::string> const& argv);

}  // namespace latchkey::azure
