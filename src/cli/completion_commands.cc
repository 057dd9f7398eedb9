// `latchkey completion bash|zsh` and the hidden `latchkey __complete -- WORDS...` the scripts
// call on each TAB.
#include <iostream>

#include "cli/app.h"
#include "cli/completion.h"
#include "cli/completion_scripts.h"
#include "client/open_backend.h"
#include "store/list_query.h"

namespace latchkey::cli {
namespace {

// One page of names starting with `prefix` (the store's startswith: filter, so a large store
// answers from its name index); any failure is no names.
template <class T, class PageFn>
std::vector<std::string> NamesStartingWith(CliState& state, std::string const& prefix,
                                           std::span<FieldSpec const> fields, PageFn page_fn) {
  std::vector<std::string> out;
  if (!ConfiguredBackendExists(state.env())) return out;  // nothing stored yet: create nothing
  auto backend = state.backend();
  if (!backend) return out;
  ListQuery q;
  if (!prefix.empty()) {
    auto f = ParseFieldFilter(fields, "name", "startswith:" + prefix);
    if (!f) return out;
    q.fields.push_back(std::move(*f));
  }
  q.size = kMaxPageSize;
  Result<Page<T>> page = page_fn(**backend, q);
  if (!page) return out;
  for (auto const& item : page->items) out.push_back(item.name);
  return out;
}

}  // namespace

void AddCompletionCommands(CLI::App& app, CliState& state) {
  auto shell = std::make_shared<std::string>();
  auto* completion = app.add_subcommand(
      "completion", "Print the shell completion script: source <(latchkey completion bash)");
  completion->add_option("shell", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  OnRun(*completion, state, [shell]() -> Result<void> {
    auto script = CompletionScript(*shell);
    if (!script) return Fail(ErrorCode::kInvalidArgument, "no completion script for " + *shell);
    std::cout << *script;
    return {};
  });

  auto words = std::make_shared<std::vector<std::string>>();
  auto* complete = app.add_subcommand("__complete", "");
  complete->group("");  // hidden: for the scripts only
  complete->add_option("words", *words, "The words after the program name, after --");
  OnRun(*complete, state, [&app, &state, words]() -> Result<void> {
    CompletionSources sources;
    sources.connectors = [&state](std::string const& prefix) {
      return NamesStartingWith<Connector>(
          state, prefix, ConnectorFields(),
          [](Backend& b, ListQuery const& q) { return b.PageConnectors(q); });
    };
    sources.secrets = [&state](std::string const& prefix) {
      return NamesStartingWith<Secret>(
          state, prefix, SecretFields(),
          [](Backend& b, ListQuery const& q) { return b.PageSecrets(q); });
    };
    for (auto const& c : CompleteCommandLine(app, *words, sources)) std::cout << c << "\n";
    return {};
  });
}

}  // namespace latchkey::cli
