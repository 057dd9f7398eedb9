#include "cli/completion.h"

#include <algorithm>
#include <map>
#include <set>

#include "cli/short_flags.h"
#include "common/inert_text.h"
#include "core/registry.h"

namespace latchkey::cli {
namespace {

enum class ValueKind {
  kNone,
  kConnector,
  kSecret,
  kConnectorType,
  kAuthMethod,
  kResourceType,
  kOutput
};

bool TakesValue(CLI::Option const& opt) { return opt.get_items_expected_max() > 0; }

std::string LongName(CLI::Option const& opt) {
  return opt.get_lnames().empty() ? opt.get_name() : opt.get_lnames().front();
}

// What an option's value is, by its long name (the same meaning wherever it appears).
ValueKind OptionValueKind(CLI::Option const& opt) {
  std::string name = LongName(opt);
  if (name == "type" || name == "connector-type" || name == "connector_type")
    return ValueKind::kConnectorType;
  if (name == "auth-method" || name == "auth_method") return ValueKind::kAuthMethod;
  if (name == "resource-type" || name == "resource_type") return ValueKind::kResourceType;
  if (name == "connector") return ValueKind::kConnector;
  if (name == "output") return ValueKind::kOutput;
  return ValueKind::kNone;
}

// What a positional argument is: connectors are `name_or_id` or `connector`, secrets `name`
// under `secret` (except the new name of `create`).
ValueKind PositionalValueKind(CLI::App const& app, CLI::Option const& opt) {
  std::string name = opt.get_name();
  if (name == "name_or_id" || name == "connector") return ValueKind::kConnector;
  if (name == "type" && app.get_name() == "describe-type") return ValueKind::kConnectorType;
  auto const* parent = app.get_parent();
  if (name == "name" && parent && parent->get_name() == "secret" && app.get_name() != "create")
    return ValueKind::kSecret;
  return ValueKind::kNone;
}

CLI::App const* FindSubcommand(CLI::App const& app, std::string const& word) {
  auto subs = app.get_subcommands([&](CLI::App const* s) { return s->check_name(word); });
  return subs.empty() ? nullptr : subs.front();
}

CLI::Option const* FindOption(CLI::App const& app, std::string const& name) {
  for (auto const* opt : app.get_options()) {
    if (!opt->get_positional() && opt->check_name(name)) return opt;
  }
  return nullptr;
}

struct Walk {
  CLI::App const* app = nullptr;
  size_t positionals = 0;                  // positional words given to `app` so far
  CLI::Option const* value_of = nullptr;   // the word under the cursor is this option's value
  std::map<ValueKind, std::string> given;  // e.g. the --type already chosen
  bool after_double_dash = false;
};

Walk WalkWords(CLI::App const& root, std::vector<std::string> const& words) {
  Walk w;
  w.app = &root;
  for (auto const& word : words) {
    if (w.after_double_dash) continue;
    if (w.value_of && word == "=") continue;  // bash splits `--opt=value` at the '='
    if (w.value_of) {
      w.given[OptionValueKind(*w.value_of)] = word;
      w.value_of = nullptr;
      continue;
    }
    if (word == "--") {
      w.after_double_dash = true;
      continue;
    }
    if (word.size() > 1 && word[0] == '-') {
      auto eq = word.find('=');
      auto const* opt = FindOption(*w.app, word.substr(0, eq));
      if (opt && TakesValue(*opt)) {
        if (eq == std::string::npos)
          w.value_of = opt;
        else
          w.given[OptionValueKind(*opt)] = word.substr(eq + 1);
      }
      continue;
    }
    if (auto const* sub = FindSubcommand(*w.app, word)) {
      w.app = sub;
      w.positionals = 0;
      continue;
    }
    ++w.positionals;
  }
  return w;
}

std::vector<std::string> CatalogueValues(ValueKind kind, Walk const& w) {
  std::set<std::string> out;
  auto chosen = w.given.find(ValueKind::kConnectorType);
  for (auto const& type : AllConnectorTypes()) {
    auto const& spec = type->Spec();
    if (chosen != w.given.end() && chosen->second != spec.connector_type) continue;
    if (kind == ValueKind::kConnectorType) out.insert(spec.connector_type);
    if (kind == ValueKind::kAuthMethod) {
      for (auto const& m : spec.AuthMethodNames()) out.insert(m);
    }
    if (kind == ValueKind::kResourceType) {
      for (auto const& r : spec.ResourceTypeNames()) out.insert(r);
    }
  }
  return {out.begin(), out.end()};
}

std::vector<std::string> Values(ValueKind kind, Walk const& w, std::string const& prefix,
                                CompletionSources const& sources) {
  switch (kind) {
    case ValueKind::kConnector:
      return sources.connectors ? sources.connectors(prefix) : std::vector<std::string>{};
    case ValueKind::kSecret:
      return sources.secrets ? sources.secrets(prefix) : std::vector<std::string>{};
    case ValueKind::kOutput:
      return {"json", "table", "yaml"};
    case ValueKind::kNone:
      return {};
    default:
      return CatalogueValues(kind, w);
  }
}

void AddFlags(CLI::App const& app, std::set<std::string>& out) {
  for (auto const* opt : app.get_options()) {
    if (opt->get_positional() || opt->get_group().empty()) continue;
    for (auto const& l : opt->get_lnames()) out.insert("--" + l);
    for (auto const& s : opt->get_snames()) out.insert("-" + s);
  }
}

void AddSubcommandsAndPositional(CLI::App const& app, Walk const& w, std::string const& prefix,
                                 CompletionSources const& sources, std::set<std::string>& out) {
  // Hidden commands (the group is empty, e.g. `__complete`) are not offered.
  for (auto const* sub :
       app.get_subcommands([](CLI::App const* s) { return !s->get_group().empty(); })) {
    out.insert(sub->get_name());
  }
  auto positionals = app.get_options([](CLI::Option const* o) { return o->get_positional(); });
  if (w.positionals < positionals.size()) {
    auto kind = PositionalValueKind(app, *positionals[w.positionals]);
    for (auto& v : Values(kind, w, prefix, sources)) out.insert(std::move(v));
  }
}

}  // namespace

std::vector<std::string> CompleteCommandLine(CLI::App const& root, std::vector<std::string> words,
                                             CompletionSources const& sources) {
  if (words.empty()) words.emplace_back();
  std::string current = words.back();
  words.pop_back();
  Walk w = WalkWords(root, ExpandMultiLetterFlags(std::move(words)));
  if (w.after_double_dash) return {};  // another command's words: the shell completes files
  std::set<std::string> found;
  // `--opt=` in bash: the '=' is a word of its own, and readline replaces only what follows it.
  if (w.value_of && current == "=") current.clear();
  // `--opt=pre` as one word (zsh): the option's values, each written back with its `--opt=`.
  std::string keep;
  if (!w.value_of && current.size() > 1 && current[0] == '-') {
    auto eq = current.find('=');
    CLI::Option const* opt =
        eq == std::string::npos ? nullptr : FindOption(*w.app, current.substr(0, eq));
    if (opt && TakesValue(*opt)) {
      w.value_of = opt;
      keep = current.substr(0, eq + 1);
      current.erase(0, eq + 1);
    }
  }
  if (w.value_of) {
    for (auto& v : Values(OptionValueKind(*w.value_of), w, current, sources))
      found.insert(std::move(v));
  } else if (!current.empty() && current[0] == '-') {
    AddFlags(*w.app, found);
  } else {
    AddSubcommandsAndPositional(*w.app, w, current, sources, found);
  }
  std::vector<std::string> out;
  for (auto const& c : found) {
    if (c.starts_with(current) && !HasUnsafeText(c)) out.push_back(keep + c);
  }
  return out;
}

}  // namespace latchkey::cli
