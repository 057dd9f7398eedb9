#include "cli/client_target.h"

#include <unistd.h>

#include <filesystem>

namespace latchkey::cli {

void AddTargetOptions(CLI::App& command, ClientTarget& target) {
  command.add_option("connector", target.connector, "Connector name, ID or ID prefix")->required();
  command.add_option("-r,--resource-type", target.resource_type, "Resource type");
  command.add_option("--resource-id,--ri", target.resource_id, "Resource ID");
}

void AddHomeOption(CLI::App& command, std::string& home) {
  command.add_option("--latchkey-home", home,
                     "Use this Latchkey home (store or server session) instead of "
                     "$LATCHKEY_HOME");
}

void ApplyHomeOption(CliState& state, std::string const& home) {
  if (!home.empty()) state.SetEnv("LATCHKEY_HOME", home);
}

Result<Connector> IssueClient(CliState& state, ClientTarget const& target) {
  auto backend = state.backend();
  if (!backend) return tl::unexpected(backend.error());
  return (*backend)->GetConnectorClient(target.connector, Opt(target.resource_type),
                                        Opt(target.resource_id));
}

Result<std::string> SelfExecutable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return Fail(ErrorCode::kInternal, "cannot find the latchkey executable: " + ec.message());
  }
  return path.string();
}

Result<std::vector<std::string>> ReissueCommand(CliState const& state,
                                                std::vector<std::string> const& words,
                                                Connector const& client) {
  auto self = SelfExecutable();
  if (!self) return tl::unexpected(self.error());
  if (client.id.empty() || client.resource_types.empty() || !client.resource_id) {
    return Fail(ErrorCode::kInternal, "the issued client connector does not name its resource");
  }
  std::vector<std::string> argv = {*self};
  argv.insert(argv.end(), words.begin(), words.end());
  argv.insert(argv.end(), {client.id, "--resource-type", client.resource_types.front(),
                           "--resource-id", *client.resource_id});
  if (auto home = state.env().Get("LATCHKEY_HOME"); home && !home->empty()) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(*home, ec);
    argv.insert(argv.end(), {"--latchkey-home", ec ? *home : absolute.string()});
  }
  return argv;
}

}  // namespace latchkey::cli
