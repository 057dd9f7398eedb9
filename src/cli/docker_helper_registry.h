// Which connector serves which registry for `docker-credential-latchkey`. Docker hands a
// credential helper only the registry's address, so `service-connector login` records here, per
// canonical registry ID, the connector and resource to issue the login from. The file
// ($LATCHKEY_HOME/docker-credential-helper.json, 0600) holds names and IDs only, never a
// credential; it is rewritten atomically.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "cli/client_target.h"
#include "common/error.h"
#include "core/context.h"

namespace latchkey::cli {

struct HelperRegistration {
  ClientTarget target;
  std::string connector_name;  // for `list`, which docker shows as the account
};

using HelperRegistrations = std::map<std::string, HelperRegistration>;  // registry ID -> entry

std::string HelperRegistryPath(Environment const& env);

// An absent file reads as empty; a malformed one is an error naming the file.
Result<HelperRegistrations> LoadHelperRegistrations(Environment const& env);
Result<void> SaveHelperRegistrations(Environment const& env, HelperRegistrations const& entries);

// The entry for a registry address as docker spells it ("https://host:5000", "host:5000/v2/",
// "https://index.docker.io/v1/"), found by its canonical ID.
std::optional<HelperRegistration> FindHelperRegistration(HelperRegistrations const& entries,
                                                         std::string const& server_url);

}  // namespace latchkey::cli
