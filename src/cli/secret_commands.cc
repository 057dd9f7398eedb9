// `latchkey secret create | list | get | update | rename | delete | rotate-key`.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <iostream>

#include "cli/app.h"
#include "cli/cached_issue.h"
#include "cli/extra_args.h"
#include "cli/list_options.h"
#include "cli/render.h"
#include "cli/secret_export.h"
#include "common/file_util.h"
#include "common/strings.h"
#include "core/input_limits.h"
#include "core/model_json.h"

namespace latchkey::cli {
namespace {

struct SecretArgs {
  std::string name;
  std::string new_name;
  std::string values;  // -v JSON|YAML|@file
  std::vector<std::string> remove_keys;
  bool show_secrets = false;
  bool share = false;
  bool make_private = false;
  std::optional<bool> private_only;  // get -p true|false: only a private, or a shared, secret
  std::string file;                  // export -f
  bool overwrite = false;
};

// `-v` takes a JSON or YAML mapping of string values, inline or from @file.
Result<std::map<std::string, std::string>> ParseValuesOption(std::string const& text) {
  std::map<std::string, std::string> out;
  if (text.empty()) return out;
  std::string body = text;
  if (StartsWith(text, "@")) {
    // A mapping of values: bounded by what a secret may hold in all.
    auto contents = ReadUserFile(text.substr(1), kMaxValueBytes, "--values");
    if (!contents) return tl::unexpected(contents.error());
    body = std::move(*contents);
  } else if (auto r = CheckValueSize("--values", text.size()); !r) {
    return tl::unexpected(r.error());
  }
  try {
    YAML::Node node = YAML::Load(body);  // JSON is YAML too
    if (!node.IsMap()) throw YAML::Exception(YAML::Mark::null_mark(), "not a mapping");
    for (auto const& kv : node) {
      if (!kv.second.IsScalar()) throw YAML::Exception(YAML::Mark::null_mark(), "nested value");
      out[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  } catch (YAML::Exception const&) {
    // The parser's message may quote the input, which holds secret values: don't repeat it.
    return Fail(ErrorCode::kInvalidArgument,
                "--values must be a JSON or YAML mapping of keys to string values");
  }
  return out;
}

Result<std::map<std::string, std::string>> CollectValues(SecretArgs const& a,
                                                         std::vector<std::string> const& extras) {
  auto values = ParseValuesOption(a.values);
  if (!values) return values;
  auto attrs = ParseAttributeArgs(extras);
  if (!attrs) return attrs;
  for (auto const& [k, v] : *attrs) (*values)[k] = v;
  return values;
}

void PrintSecret(CliState& state, Secret const& s, bool show, std::string const& headline) {
  if (state.format() != OutputFormat::kTable) {
    PrintStructured(state.format(), ToJson(s, show));
  } else {
    if (!headline.empty()) std::cout << headline << "\n";
    std::cout << RenderSecret(s, show);
  }
}

// Upstream's `get -p BOOL`: a private and a shared secret may share a name; the lookup by name
// takes the caller's own first, so the other one is found among the secrets of that name.
Result<Secret> GetSecretOfVisibility(Backend& backend, std::string const& name_or_id,
                                     std::optional<bool> private_only, bool show) {
  auto s = backend.GetSecret(name_or_id, show && !private_only);
  if (!private_only) return s;
  bool want_shared = !*private_only;
  if (s && s->shared == want_shared) return show ? backend.GetSecret(s->id, true) : s;
  if (!s && s.error().code != ErrorCode::kNotFound) return s;
  char const* kind = want_shared ? "shared" : "private";
  ListQuery q;
  auto f = ParseFieldFilter(SecretFields(), "name", "equals:" + name_or_id);
  if (!f) return tl::unexpected(f.error());
  q.fields.push_back(std::move(*f));
  q.size = kMaxPageSize;
  auto page = backend.PageSecrets(q);
  if (!page) return tl::unexpected(page.error());
  for (auto const& other : page->items) {
    // Names compare case-insensitively in the filter; the match must be exact.
    if (other.name == name_or_id && other.shared == want_shared)
      return backend.GetSecret(other.id, show);
  }
  return Fail(ErrorCode::kNotFound, fmt::format("no {} secret '{}'", kind, name_or_id));
}

}  // namespace

void AddSecretCommands(CLI::App& group, CliState& state) {
  auto a = std::make_shared<SecretArgs>();

  auto* create =
      group.add_subcommand("create", "Create a secret: --key=value ... or -v JSON|YAML|@file");
  create->add_option("name", a->name, "Secret name")->required();
  create->add_option("-v,--values", a->values, "Values as a JSON/YAML mapping, or @file");
  auto* create_share = create->add_flag(
      "--share", a->share, "Let every user see the secret (its values stay owner/admin-only)");
  create
      ->add_flag("-p,--private", a->make_private,
                 "Only the owner (and admins) may see it "
                 "(the default)")
      ->excludes(create_share);
  create->allow_extras();
  AddOutputOption(*create, state);
  OnRun(*create, state, [&state, a, create]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto values = CollectValues(*a, create->remaining());
    if (!values) return tl::unexpected(values.error());
    auto s = (*backend)->CreateSecret(a->name, *values, a->share);
    if (!s) return tl::unexpected(s.error());
    PrintSecret(state, *s, false, "Created secret `" + s->name + "`.");
    return {};
  });

  auto filter = std::make_shared<ListOptions>();
  auto* list = group.add_subcommand("list", "List secrets (names and keys, never values)");
  AddListOptions(*list, *filter, SecretFields(), {}, false);
  AddOutputOption(*list, state);
  OnRun(*list, state, [&state, filter]() -> Result<void> {
    auto query = ToListQuery(*filter, SecretFields(), "name");
    if (!query) return tl::unexpected(query.error());
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto page = FetchPages<Secret>(*filter, std::move(*query),
                                   [&](ListQuery const& q) { return (*backend)->PageSecrets(q); });
    if (!page) return tl::unexpected(page.error());
    auto const* secrets = &page->items;
    if (state.format() != OutputFormat::kTable) {
      nlohmann::json out = nlohmann::json::array();
      for (auto const& s : *secrets) out.push_back(ToJson(s, false));
      PrintStructured(state.format(), out);
    } else if (secrets->empty()) {
      std::cout << "No secrets found.\n";
    } else {
      std::cout << RenderSecretList(*secrets);
    }
    if (state.format() == OutputFormat::kTable) {
      std::cout << PageFooter(page->index, page->total_pages(), page->total, "secrets");
    }
    return {};
  });

  auto* get = group.add_subcommand("get", "Show a secret ([HIDDEN] values unless --show-secrets)");
  get->add_option("name", a->name, "Secret name, ID or ID prefix")->required();
  get->add_flag("-x,--show-secrets", a->show_secrets, "Show the values");
  get->add_option("-p,--private", a->private_only,
                  "true: only a private secret of this name; false: only a shared one "
                  "(default: your own first, then a shared one)");
  AddOutputOption(*get, state);
  OnRun(*get, state, [&state, a]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto s = GetSecretOfVisibility(**backend, a->name, a->private_only, a->show_secrets);
    if (!s) return tl::unexpected(s.error());
    PrintSecret(state, *s, a->show_secrets, "");
    return {};
  });

  auto* update = group.add_subcommand("update", "Merge new values into a secret");
  update->add_option("name", a->name, "Secret name, ID or ID prefix")->required();
  update->add_option("-v,--values", a->values, "Values as a JSON/YAML mapping, or @file");
  update->add_option("-r,--remove-key,--remove-keys", a->remove_keys,
                     "Remove a key (repeatable; a secret keeps at least one)");
  auto* share = update->add_flag("--share", a->share, "Share the secret with every user");
  update->add_flag("--private", a->make_private, "Make the secret private again")->excludes(share);
  update->allow_extras();
  AddOutputOption(*update, state);
  OnRun(*update, state, [&state, a, update]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto values = CollectValues(*a, update->remaining());
    if (!values) return tl::unexpected(values.error());
    std::optional<bool> shared;
    if (a->share) shared = true;
    if (a->make_private) shared = false;
    auto s = (*backend)->UpdateSecret(a->name, *values, a->remove_keys, shared);
    if (!s) return tl::unexpected(s.error());
    PrintSecret(state, *s, false, "Updated secret `" + s->name + "`.");
    return {};
  });

  auto* rename = group.add_subcommand("rename", "Rename a secret");
  rename->add_option("name", a->name, "Secret name, ID or ID prefix")->required();
  rename->add_option("new_name", a->new_name, "New name");
  rename->add_option("-n,--new-name", a->new_name, "New name");
  AddOutputOption(*rename, state);
  OnRun(*rename, state, [&state, a]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto s = (*backend)->RenameSecret(a->name, a->new_name);
    if (!s) return tl::unexpected(s.error());
    PrintSecret(state, *s, false, "Renamed secret to `" + s->name + "`.");
    return {};
  });

  auto* del = group.add_subcommand("delete", "Delete a secret");
  del->add_option("name", a->name, "Secret name, ID or ID prefix")->required();
  del->add_flag("-y,--yes")->description("Do not ask for confirmation (there is none)");
  AddOutputOption(*del, state);
  OnRun(*del, state, [&state, a]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    if (auto r = (*backend)->DeleteSecret(a->name); !r) return r;
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), {{"name", a->name}, {"deleted", true}});
    } else {
      std::cout << "Deleted secret `" << a->name << "`.\n";
    }
    return {};
  });

  auto* exp = group.add_subcommand(
      "export", "Print a secret's keys and values as YAML (or write them to a 0600 file)");
  exp->add_option("name", a->name, "Secret name, ID or ID prefix")->required();
  exp->add_option("-f,--file", a->file, "Write to this file instead of stdout");
  exp->add_flag("--overwrite", a->overwrite, "Replace the file if it exists");
  OnRun(*exp, state, [&state, a]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    // Asking for the values is the owner's (or an admin's) explicit request: the backend
    // refuses everyone else.
    auto s = (*backend)->GetSecret(a->name, true);
    if (!s) return tl::unexpected(s.error());
    std::string yaml = SecretValuesYaml(s->values);
    if (a->file.empty()) {
      std::cout << yaml;
      return {};
    }
    if (auto r = WriteSecretExport(a->file, yaml, a->overwrite); !r) return r;
    std::cerr << "Exported secret `" << s->name << "` to " << a->file << ".\n";
    return {};
  });

  auto* rotate = group.add_subcommand("rotate-key", "Re-encrypt every secret value with a new key");
  AddOutputOption(*rotate, state);
  OnRun(*rotate, state, [&state]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto count = (*backend)->RotateSecretsKey();
    if (!count) return tl::unexpected(count.error());
    // Entries sealed under the retired key would not be served anyway (not the active key):
    // they go now rather than at their next lookup.
    ClearCachedCredentials(state);
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), {{"reencrypted_values", *count}});
    } else {
      std::cout << "Re-encrypted " << *count << " secret values with a new key.\n";
    }
    return {};
  });
}

}  // namespace latchkey::cli
