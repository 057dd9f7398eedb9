// Which connector and resource a refreshing protocol issues credentials for, and the command line
// that re-issues them later (written by `login` into AWS profiles and kubeconfigs).
#pragma once

#include <string>
#include <vector>

#include "cli/app.h"
#include "core/model.h"

namespace latchkey::cli {

struct ClientTarget {
  std::string connector;      // name, ID or ID prefix
  std::string resource_type;  // empty: the connector's only type
  std::string resource_id;    // empty: the connector's only resource of that type
};

// Adds CONNECTOR, -r/--resource-type and --resource-id to `command`.
void AddTargetOptions(CLI::App& command, ClientTarget& target);
// Adds --latchkey-home DIR, which points this one command at another $LATCHKEY_HOME.
void AddHomeOption(CLI::App& command, std::string& home);
// Applies --latchkey-home (when given) before the command opens its backend.
void ApplyHomeOption(CliState& state, std::string const& home);

// Fresh client credentials for `target` from the backend: the embedded store, or the server
// (which caches them) after `latchkey login`.
Result<Connector> IssueClient(CliState& state, ClientTarget const& target);

// This executable's absolute path (symlinks resolved), for commands written into config files.
Result<std::string> SelfExecutable();

// [latchkey, words..., CONNECTOR_ID, -r TYPE, --resource-id ID, (--latchkey-home DIR)]: the
// command that re-issues `client` (as returned by IssueClient) later. The connector is named by
// its ID so a rename does not break the written configuration, and the resource is pinned to
// the one resolved now. LATCHKEY_HOME, when set, is pinned too: tools run the command from
// environments that may not carry it.
Result<std::vector<std::string>> ReissueCommand(CliState const& state,
                                                std::vector<std::string> const& words,
                                                Connector const& client);

}  // namespace latchkey::cli
