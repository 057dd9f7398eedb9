// Runs the az CLI without a shell (argv as given, PATH lookup) and captures what it prints: the
// one way the broker reads an `az login` session, since the CLI's token cache format is private.
#pragma once

#include <string>
#include <vector>

#include "common/subprocess.h"

namespace latchkey::azure {

// `az` can take a while to start (Python) and to refresh its own tokens; a minute is generous.
Result<CapturedOutput> RunCommand(std::vector<std::string> const& argv);

}  // namespace latchkey::azure
