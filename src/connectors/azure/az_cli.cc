#include "connectors/azure/az_cli.h"

namespace latchkey::azure {

Result<CapturedOutput> RunCommand(std::vector<std::string> const& argv) {
  return RunCapturingOutput(argv, {}, std::chrono::seconds(60));
}

}  // namespace latchkey::azure
