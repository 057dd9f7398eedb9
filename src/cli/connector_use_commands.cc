// `service-connector verify | list-resources | login`: the commands that reach the resources.
#include <iostream>

#include "cli/app.h"
#include "cli/refreshing_login.h"
#include "cli/render.h"
#include "cli/spinner.h"
#include "core/long_lived_warning.h"
#include "core/model_json.h"
#include "core/registry.h"

namespace latchkey::cli {
namespace {

struct UseArgs {
  std::string name;
  std::string connector_type;
  std::string resource_type;
  std::string resource_id;
  bool verify_only = false;
  bool exclude_errors = false;
  bool refresh = false;
  bool static_login = false;
};

// Static: the tool's configuration receives the issued credentials. Refreshing: it receives
// the command that issues fresh ones (see refreshing_login.h).
Result<std::string> ConfigureLogin(CliState& state, Connector const& client, LoginMode mode) {
  if (UsesRefresh(mode, client)) return ConfigureRefreshingClient(state, client);
  auto type = RequireConnectorType(client.connector_type);
  if (!type) return tl::unexpected(type.error());
  auto note = ForgetRefreshingDockerLogin(state, client);
  if (!note) return tl::unexpected(note.error());
  Context ctx = state.MakeContext();
  auto message = (*type)->ConfigureLocalClient(ctx, client);
  if (!message) return tl::unexpected(message.error());
  return *message + *note;
}

// Listing was skipped (not failed, not empty): no entry has IDs or an error.
bool NothingListed(ResourcesReport const& report) {
  for (auto const& r : report.resources) {
    if (r.resource_ids || r.error) return false;
  }
  return true;
}

}  // namespace

void AddConnectorUseCommands(CLI::App& group, CliState& state) {
  auto va = std::make_shared<UseArgs>();
  auto* v = group.add_subcommand("verify", "Verify a connector's credentials and list resources");
  v->add_option("name_or_id", va->name, "Connector name, ID or ID prefix")->required();
  v->add_option("-r,--resource-type", va->resource_type, "Only this resource type");
  v->add_option("--resource-id,--ri", va->resource_id, "Only this resource");
  v->add_flag("-v,--verify-only", va->verify_only,
              "Check the credentials without listing resources");
  AddOutputOption(*v, state);
  OnRun(*v, state, [&state, va]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto spinner = StartSpinner(state.format() == OutputFormat::kTable,
                                "Verifying service connector '" + va->name + "'...");
    auto report = (*backend)->VerifyConnector(va->name, Opt(va->resource_type),
                                              Opt(va->resource_id), !va->verify_only);
    spinner->Stop();
    if (!report) return tl::unexpected(report.error());
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), ToJson(*report));
    } else if (report->error) {
      std::cout << "Service connector `" << va->name << "` verification failed:\n"
                << RenderResources(*report);
    } else if (NothingListed(*report)) {
      // Upstream follows this sentence with "has access to the following resources" and a
      // table of "none listed" even when listing was skipped on purpose; say what was checked.
      std::cout << "Service connector `" << va->name
                << "` is correctly configured with valid credentials.\n"
                << (va->verify_only ? "Its resources were not listed (--verify-only); run "
                                      "verify without it to list them.\n"
                                    : "Its resources were not listed; name one with "
                                      "--resource-type to list them.\n");
    } else {
      std::cout << "Service connector `" << va->name
                << "` is correctly configured with valid credentials and has access to the "
                   "following resources:\n"
                << RenderResources(*report);
    }
    // A failed verification is a failed command, so scripts can rely on the exit status.
    if (report->error) return Fail(ErrorCode::kUnauthenticated, *report->error);
    return {};
  });

  auto la = std::make_shared<UseArgs>();
  auto* l = group.add_subcommand("list-resources", "List the resources every connector reaches");
  l->add_option("-c,--connector-type", la->connector_type, "Only connectors of this type");
  l->add_option("-r,--resource-type", la->resource_type, "Only this resource type");
  l->add_option("--resource-id,--ri", la->resource_id, "Only this resource");
  l->add_flag("-e,--exclude-errors", la->exclude_errors, "Hide connectors that failed");
  AddOutputOption(*l, state);
  OnRun(*l, state, [&state, la]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto spinner = StartSpinner(state.format() == OutputFormat::kTable,
                                "Fetching all service connector resources...");
    auto reports = (*backend)->ListResources({Opt(la->connector_type), Opt(la->resource_type),
                                              Opt(la->resource_id), la->exclude_errors});
    spinner->Stop();
    if (!reports) return tl::unexpected(reports.error());
    if (state.format() != OutputFormat::kTable) {
      nlohmann::json out = nlohmann::json::array();
      for (auto const& r : *reports) out.push_back(ToJson(r));
      PrintStructured(state.format(), out);
    } else if (reports->empty()) {
      std::cout << "No service connectors reach the requested resources.\n";
    } else {
      std::cout << "The following resources can be accessed by service connectors:\n"
                << RenderResourcesList(*reports);
    }
    return {};
  });

  auto lg = std::make_shared<UseArgs>();
  auto* g =
      group.add_subcommand("login", "Configure a local CLI (docker, kubectl) with a connector");
  g->add_option("name_or_id", lg->name, "Connector name, ID or ID prefix")->required();
  g->add_option("-r,--resource-type", lg->resource_type, "Resource type");
  g->add_option("--resource-id,--ri", lg->resource_id, "Resource ID");
  auto* refresh = g->add_flag("--refresh", lg->refresh,
                              "Configure the tool to fetch fresh credentials from latchkey "
                              "whenever it needs them (default for credentials that expire)");
  g->add_flag("--static", lg->static_login,
              "Write the issued credentials themselves (default for credentials that never "
              "expire)")
      ->excludes(refresh);
  AddOutputOption(*g, state);
  OnRun(*g, state, [&state, lg]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto spinner = StartSpinner(
        state.format() == OutputFormat::kTable,
        "Attempting to configure local client using service connector '" + lg->name + "'...");
    auto client =
        (*backend)->GetConnectorClient(lg->name, Opt(lg->resource_type), Opt(lg->resource_id));
    if (!client) return tl::unexpected(client.error());
    LoginMode mode = lg->refresh        ? LoginMode::kRefresh
                     : lg->static_login ? LoginMode::kStatic
                                        : LoginMode::kAuto;
    auto message = ConfigureLogin(state, *client, mode);
    spinner->Stop();
    if (!message) return tl::unexpected(message.error());
    // The stored connector says whether the tool now holds long-lived keys (the client
    // connector alone may not: it carries no configuration). A connector this user may use
    // but not read simply goes unwarned.
    if (auto stored = (*backend)->GetConnector(lg->name, false); stored) {
      if (auto warning = LongLivedClientWarning(*stored)) std::cerr << *warning << "\n";
    }
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), {{"connector", client->name},
                                       {"connector_type", client->connector_type},
                                       {"resource_type", client->resource_types.at(0)},
                                       {"resource_id", client->resource_id.value_or("")},
                                       {"refresh", UsesRefresh(mode, *client)},
                                       {"message", *message}});
    } else {
      std::cout << *message << "\n";
    }
    return {};
  });
}

}  // namespace latchkey::cli
