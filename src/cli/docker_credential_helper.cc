#include "cli/docker_credential_helper.h"

#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/cached_issue.h"
#include "cli/credential_formats.h"
#include "cli/docker_helper_registry.h"
#include "common/strings.h"
#include "connectors/docker/registry_id.h"

namespace latchkey::cli {
namespace {

constexpr char kUsage[] =
    "Usage: docker-credential-latchkey <get|list|store|erase|version>\n"
    "A docker credential helper that issues registry logins from Latchkey service connectors; "
    "configure it with `latchkey service-connector login CONNECTOR`.";

std::string ReadAll(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Errors travel on stdout as one line: the protocol's clients show stdout to the user.
int Failed(std::ostream& out, std::string message) {
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  out << message << "\n";
  return 1;
}

int Get(CliState& state, std::string const& server_url, std::ostream& out) {
  auto entries = LoadHelperRegistrations(state.env());
  if (!entries) return Failed(out, entries.error().message);
  auto entry = FindHelperRegistration(*entries, server_url);
  if (!entry) return Failed(out, kCredentialsNotFound);
  Result<Connector> client = Fail(ErrorCode::kInternal, "unexpected failure");
  try {
    // Docker runs the helper for every pull and push: answered from the local credential cache
    // while it may be (LATCHKEY_NO_CACHE=1 turns that off; docker passes no flags).
    client = IssueClientCached(state, entry->target);
  } catch (std::exception const& e) {
    return Failed(out, std::string("unexpected failure: ") + e.what());
  }
  if (!client) return Failed(out, "latchkey: " + client.error().message);
  auto answer = DockerHelperCredentials(*client, server_url);
  if (!answer) return Failed(out, "latchkey: " + answer.error().message);
  out << answer->dump() << "\n";
  return 0;
}

int List(CliState& state, std::ostream& out) {
  auto entries = LoadHelperRegistrations(state.env());
  if (!entries) return Failed(out, entries.error().message);
  // Docker lists "server URL -> username"; usernames are secrets to Latchkey (issued only by
  // `get`), so each registry is listed with the connector that serves it.
  nlohmann::json listing = nlohmann::json::object();
  for (auto const& [id, entry] : *entries) {
    listing[docker::DockerConfigKey(id)] =
        entry.connector_name.empty() ? entry.target.connector : entry.connector_name;
  }
  out << listing.dump() << "\n";
  return 0;
}

int Erase(CliState& state, std::string const& server_url, std::ostream& out) {
  auto entries = LoadHelperRegistrations(state.env());
  if (!entries) return Failed(out, entries.error().message);
  auto id = docker::CanonicalRegistryId(server_url);
  if (!id || !entries->erase(*id)) return Failed(out, kCredentialsNotFound);
  if (auto saved = SaveHelperRegistrations(state.env(), *entries); !saved) {
    return Failed(out, saved.error().message);
  }
  return 0;
}

}  // namespace

int RunDockerCredentialHelper(std::vector<std::string> const& args, Environment env,
                              std::istream& in, std::ostream& out) {
  if (args.size() != 1) return Failed(out, kUsage);
  std::string const& action = args.front();
  CliState state(std::move(env));
  if (action == "get") return Get(state, Trim(ReadAll(in)), out);
  if (action == "list") return List(state, out);
  if (action == "erase") return Erase(state, Trim(ReadAll(in)), out);
  if (action == "store") {
    ReadAll(in);  // the login docker offers is not kept anywhere
    return Failed(out,
                  "latchkey does not store registry logins: they are issued from service "
                  "connectors; register a docker connector and run `latchkey service-connector "
                  "login` instead");
  }
  if (action == "version" || action == "--version" || action == "-v") {
    out << kDockerHelperProgram << " (latchkey 0.1.0)\n";
    return 0;
  }
  return Failed(out, kUsage);
}

}  // namespace latchkey::cli
