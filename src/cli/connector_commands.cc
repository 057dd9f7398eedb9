// `service-connector register | list | describe | update | delete`.
#include <iostream>

#include "cli/app.h"
#include "cli/cached_issue.h"
#include "cli/extra_args.h"
#include "cli/list_options.h"
#include "cli/render.h"
#include "cli/spinner.h"
#include "cli/wizard.h"
#include "core/long_lived_warning.h"
#include "core/model_json.h"
#include "service/access.h"

namespace latchkey::cli {
namespace {

// Options shared by register and update.
struct ConnectorArgs {
  std::string name;
  std::string new_name;
  std::string connector_type;
  std::string auth_method;
  std::string resource_type;
  std::string resource_id;
  std::string description;
  std::vector<std::string> labels;
  std::vector<std::string> remove_attrs;
  std::optional<int64_t> expiration_seconds;
  std::string expires_at;
  std::optional<int64_t> expires_skew_tolerance;
  bool no_verify = false;
  bool auto_configure = false;
  bool interactive = false;
  bool show_secrets = false;
  bool client = false;
  bool share = false;
  bool share_read_only = false;
  bool share_secrets = false;
  bool make_private = false;
  bool no_docs = false;
};

// --share / --share-read-only / --private, as ApplySharing's (shared, read_only): absent when
// none was given (update keeps the current setting).
std::pair<std::optional<bool>, std::optional<bool>> Sharing(ConnectorArgs const& a) {
  if (a.share) return {true, false};
  if (a.share_read_only) return {true, true};
  if (a.make_private) return {false, false};
  return {};
}

std::optional<bool> ShareSecrets(ConnectorArgs const& a) {
  if (a.share_secrets) return true;
  return std::nullopt;
}

// Sharing for use does not hand out the owner's long-lived credentials unless asked: say which
// one this connector now is, so nobody shares a password believing it stays hidden (or the
// reverse).
void PrintSharingNote(Connector const& c) {
  if (!c.shared || c.shared_read_only) return;
  if (c.share_secrets) {
    std::cerr << "Note: other users may obtain this connector's long-lived credentials "
                 "(--share-secrets).\n";
  } else {
    std::cerr << "Note: other users get credentials from this connector only where temporary "
                 "ones can be issued; to hand out its long-lived credentials too, share it with "
                 "--share-secrets.\n";
  }
}

void AddCommonOptions(CLI::App& cmd, ConnectorArgs& a) {
  cmd.add_option("-a,--auth-method", a.auth_method, "Authentication method");
  cmd.add_option("-r,--resource-type", a.resource_type, "Resource type (omit for all)");
  cmd.add_option("--resource-id,--ri", a.resource_id, "Resource ID (omit for several)");
  cmd.add_option("-d,--description", a.description, "Description");
  cmd.add_option("-l,--label", a.labels, "Label k=v (repeatable)");
  cmd.add_option("--expiration-seconds", a.expiration_seconds,
                 "Lifetime of the temporary credentials issued to clients");
  cmd.add_option("--expires-at", a.expires_at,
                 "When the configured credentials expire (YYYY-MM-DD HH:MM:SS, UTC)");
  cmd.add_option("--expires-skew-tolerance", a.expires_skew_tolerance,
                 "Seconds before expiry at which credentials count as expired (default 300)");
  cmd.add_flag("--no-verify", a.no_verify, "Save without verifying the credentials");
  cmd.add_flag("-x,--show-secrets", a.show_secrets, "Show secret values in the output");
  auto* share =
      cmd.add_flag("--share", a.share, "Let every user of the server see and use the connector");
  auto* read_only = cmd.add_flag("--share-read-only", a.share_read_only,
                                 "Let every user see the connector but not obtain credentials "
                                 "from it, verify it or list its resources")
                        ->excludes(share);
  auto* share_secrets =
      cmd.add_flag("--share-secrets", a.share_secrets,
                   "Share for use including long-lived credentials: without it, other users "
                   "get credentials only where temporary ones can be issued")
          ->excludes(read_only);
  cmd.add_flag("--private", a.make_private, "Only the owner (and admins) may see it (default)")
      ->excludes(share)
      ->excludes(read_only)
      ->excludes(share_secrets);
  cmd.allow_extras();
}

Result<std::optional<TimePoint>> ExpiresAt(std::string const& text) {
  if (text.empty()) return std::optional<TimePoint>{};
  auto t = ParseTimestamp(text);
  if (!t) return tl::unexpected(t.error());
  return std::optional<TimePoint>(*t);
}

void PrintSaved(CliState& state, SavedConnector const& saved, char const* verb, bool show) {
  if (state.format() != OutputFormat::kTable) {
    PrintStructured(state.format(), ToJson(saved.connector, show));
    return;
  }
  if (saved.resources) {
    std::cout << "Successfully " << verb << " service connector `" << saved.connector.name
              << "` with access to the following resources:\n"
              << RenderResources(*saved.resources);
  } else {
    std::cout << "Successfully " << verb << " service connector `" << saved.connector.name
              << "` (not verified).\n";
  }
}

// The free-form parts of register/update: attribute arguments, labels and the expiry time.
struct ParsedExtras {
  std::map<std::string, std::string> values;
  std::map<std::string, std::optional<std::string>> labels;
  std::optional<TimePoint> expires_at;
};

Result<ParsedExtras> ParseExtras(ConnectorArgs const& a, std::vector<std::string> const& extras) {
  auto values = ParseAttributeArgs(extras);
  if (!values) return tl::unexpected(values.error());
  auto labels = ParseLabels(a.labels);
  if (!labels) return tl::unexpected(labels.error());
  auto expires_at = ExpiresAt(a.expires_at);
  if (!expires_at) return tl::unexpected(expires_at.error());
  return ParsedExtras{std::move(*values), std::move(*labels), *expires_at};
}

Result<void> Register(CliState& state, ConnectorArgs const& a, std::vector<std::string> extras) {
  auto backend = state.backend();
  if (!backend) return tl::unexpected(backend.error());
  auto parsed = ParseExtras(a, extras);
  if (!parsed) return tl::unexpected(parsed.error());

  RegisterRequest request;
  Connector& d = request.draft;
  d.name = a.name;
  d.connector_type = a.connector_type;
  d.auth_method = a.auth_method;
  if (!a.resource_type.empty()) d.resource_types = {a.resource_type};
  d.resource_id = Opt(a.resource_id);
  d.description = a.description;
  for (auto const& [k, v] : parsed->labels) d.labels[k] = v.value_or("");
  d.expiration_seconds = a.expiration_seconds;
  d.expires_at = parsed->expires_at;
  d.expires_skew_tolerance = a.expires_skew_tolerance;
  auto [shared, read_only] = Sharing(a);
  if (auto r = ApplySharing(d, shared, read_only, ShareSecrets(a)); !r) {
    return tl::unexpected(r.error());
  }
  for (auto const& [k, v] : parsed->values) request.values[k] = v;
  request.verify = !a.no_verify;
  request.auto_configure = a.auto_configure;

  if (a.interactive) {
    auto wizard = RunRegisterWizard(**backend, std::move(request), std::cin, std::cerr);
    if (!wizard) return tl::unexpected(wizard.error());
    request = std::move(*wizard);
  } else {
    if (d.name.empty())
      return Fail(ErrorCode::kInvalidArgument, "a connector NAME is required (or use -i)");
    if (d.connector_type.empty())
      return Fail(ErrorCode::kInvalidArgument, "--type is required (or use -i)");
  }
  auto spinner = StartSpinner(state.format() == OutputFormat::kTable,
                              "Registering service connector '" + request.draft.name + "'...");
  auto saved = (*backend)->RegisterConnector(std::move(request));
  spinner->Stop();
  if (!saved) return tl::unexpected(saved.error());
  PrintSaved(state, *saved, "registered", a.show_secrets);
  if ((a.share || a.share_secrets) && !a.no_docs) PrintSharingNote(saved->connector);
  if (auto warning = LongLivedClientWarning(saved->connector); warning && !a.no_docs) {
    std::cerr << *warning << "\n";
  }
  return {};
}

Result<void> Update(CliState& state, ConnectorArgs const& a, std::vector<std::string> extras) {
  auto backend = state.backend();
  if (!backend) return tl::unexpected(backend.error());
  auto parsed = ParseExtras(a, extras);
  if (!parsed) return tl::unexpected(parsed.error());
  UpdateRequest request;
  request.name_or_id = a.name;
  request.new_name = Opt(a.new_name);
  if (!a.description.empty()) request.description = a.description;
  request.auth_method = Opt(a.auth_method);
  request.resource_type = Opt(a.resource_type);
  request.resource_id = Opt(a.resource_id);
  for (auto const& [k, v] : parsed->values) request.values[k] = v;
  request.remove_attrs = a.remove_attrs;
  request.labels = parsed->labels;
  request.expiration_seconds = a.expiration_seconds;
  request.expires_at = parsed->expires_at;
  request.expires_skew_tolerance = a.expires_skew_tolerance;
  std::tie(request.shared, request.shared_read_only) = Sharing(a);
  request.share_secrets = ShareSecrets(a);
  request.verify = !a.no_verify;
  auto spinner = StartSpinner(state.format() == OutputFormat::kTable,
                              "Updating service connector '" + a.name + "'...");
  auto saved = (*backend)->UpdateConnector(std::move(request));
  spinner->Stop();
  if (!saved) return tl::unexpected(saved.error());
  // Entries of the old version would never be served again; their secrets leave the disk now.
  DropCachedCredentials(state, saved->connector.id);
  PrintSaved(state, *saved, "updated", a.show_secrets);
  if (a.share || a.share_secrets) PrintSharingNote(saved->connector);
  if (auto warning = LongLivedClientWarning(saved->connector)) std::cerr << *warning << "\n";
  return {};
}

}  // namespace

void AddConnectorCommands(CLI::App& group, CliState& state) {
  auto reg = std::make_shared<ConnectorArgs>();
  auto* r = group.add_subcommand("register", "Register a service connector");
  r->add_option("name", reg->name, "Connector name");
  r->add_option("-t,--type", reg->connector_type, "Connector type");
  AddCommonOptions(*r, *reg);
  r->add_flag("--auto-configure", reg->auto_configure,
              "Lift credentials from the local environment (kubeconfig, docker config, ...)");
  r->add_flag("-i,--interactive", reg->interactive, "Ask for each setting interactively");
  r->add_flag("-n,--no-docs", reg->no_docs,
              "Print no documentation or hints, only the result (and errors)");
  AddOutputOption(*r, state);
  OnRun(*r, state, [&state, reg, r] { return Register(state, *reg, r->remaining()); });

  auto upd = std::make_shared<ConnectorArgs>();
  auto* u = group.add_subcommand("update", "Update a service connector (attributes merge)");
  u->add_option("name_or_id", upd->name, "Connector name, ID or ID prefix")->required();
  u->add_option("--name", upd->new_name, "New name");
  AddCommonOptions(*u, *upd);
  u->add_option("--remove-attr", upd->remove_attrs,
                "Remove an attribute (or resource_id, resource_type, expiration_seconds)");
  AddOutputOption(*u, state);
  OnRun(*u, state, [&state, upd, u] { return Update(state, *upd, u->remaining()); });

  auto filter = std::make_shared<ListOptions>();
  auto* l = group.add_subcommand("list", "List service connectors (a page at a time)");
  AddListOptions(*l, *filter, ConnectorFields(),
                 {{"connector_type", "-t,--type,--connector_type"},
                  {"auth_method", "-a,--auth-method,--auth_method"},
                  {"resource_type", "-r,--resource-type,--resource_type"},
                  {"resource_id", "--resource-id,--ri,--resource_id"}},
                 true);
  AddOutputOption(*l, state);
  OnRun(*l, state, [&state, filter]() -> Result<void> {
    auto query = ToListQuery(*filter, ConnectorFields(), "created");
    if (!query) return tl::unexpected(query.error());
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto page = FetchPages<Connector>(*filter, std::move(*query), [&](ListQuery const& q) {
      return (*backend)->PageConnectors(q);
    });
    if (!page) return tl::unexpected(page.error());
    auto const* connectors = &page->items;
    if (state.format() == OutputFormat::kJson) {
      JsonArrayWriter out;
      for (auto const& c : *connectors) out.Add(ToJson(c, false));
    } else if (state.format() == OutputFormat::kYaml) {
      nlohmann::json out = nlohmann::json::array();
      for (auto const& c : *connectors) out.push_back(ToJson(c, false));
      PrintStructured(state.format(), out);
    } else if (connectors->empty()) {
      std::cout << "No service connectors found.\n";
    } else {
      // The connectors the active stack's components use; a server without stacks has none.
      std::set<std::string> active;
      if (auto stack = (*backend)->GetActiveStack(); stack && *stack) {
        for (auto const& [type, component] : (*stack)->components) {
          if (component.connector_id) active.insert(*component.connector_id);
        }
      }
      std::cout << RenderConnectorList(*connectors, Now(), active);
    }
    if (state.format() == OutputFormat::kTable) {
      std::cout << PageFooter(page->index, page->total_pages(), page->total, "service connectors");
    }
    return {};
  });

  auto desc = std::make_shared<ConnectorArgs>();
  auto* d = group.add_subcommand("describe", "Show a service connector");
  d->add_option("name_or_id", desc->name, "Connector name, ID or ID prefix")->required();
  d->add_flag("-x,--show-secrets", desc->show_secrets, "Show secret values");
  d->add_option("-r,--resource-type", desc->resource_type, "Resource type (implies --client)");
  d->add_option("--resource-id,--ri", desc->resource_id, "Resource ID (implies --client)");
  d->add_flag("-c,--client", desc->client, "Show the client connector a consumer would receive");
  AddOutputOption(*d, state);
  OnRun(*d, state, [&state, desc]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    bool client = desc->client || !desc->resource_type.empty() || !desc->resource_id.empty();
    // Only the client connector calls the provider; a plain describe reads the store.
    auto spinner =
        StartSpinner(state.format() == OutputFormat::kTable && client,
                     "Issuing client credentials of service connector '" + desc->name + "'...");
    auto c = client ? (*backend)->GetConnectorClient(desc->name, Opt(desc->resource_type),
                                                     Opt(desc->resource_id))
                    : (*backend)->GetConnector(desc->name, desc->show_secrets);
    spinner->Stop();
    if (!c) return tl::unexpected(c.error());
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), ToJson(*c, desc->show_secrets));
    } else {
      std::cout << RenderConnectorDetails(*c, Now(), desc->show_secrets);
    }
    return {};
  });

  auto del = std::make_shared<std::string>();
  auto* x = group.add_subcommand("delete", "Delete a service connector");
  x->add_option("name_or_id", *del, "Connector name, ID or ID prefix")->required();
  x->add_flag("-y,--yes")->description("Do not ask for confirmation (there is none)");
  AddOutputOption(*x, state);
  OnRun(*x, state, [&state, del]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto c = (*backend)->GetConnector(*del, false);
    if (!c) return tl::unexpected(c.error());
    if (auto r = (*backend)->DeleteConnector(c->id); !r) return r;
    DropCachedCredentials(state, c->id);
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), {{"id", c->id}, {"name", c->name}, {"deleted", true}});
    } else {
      std::cout << "Deleted service connector `" << c->name << "`.\n";
    }
    return {};
  });
}

}  // namespace latchkey::cli
