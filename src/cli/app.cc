#include "cli/app.h"

#include <functional>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/short_flags.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "client/open_backend.h"
#include "common/inert_text.h"

namespace latchkey::cli {
namespace {

// One line, whatever an upstream server or a mistyped argument put in the text, and inert:
// errors quote names and arguments that may hold control characters.
std::string OneLineError(std::string message) {
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return InertText(message);
}

}  // namespace

Result<Backend*> CliState::backend() {
  if (backend_) return backend_.get();
  auto opened = OpenConfiguredBackend(env_);
  if (!opened) return tl::unexpected(opened.error());
  backend_ = std::move(*opened);
  return backend_.get();
}

Context CliState::MakeContext() {
  if (!http_) http_ = MakeCurlHttpClient();
  return Context{*http_, Now(), env_, ImplicitAuthEnabled(env_)};
}

OutputFormat CliState::format() const {
  auto f = ParseOutputFormat(output);
  return f ? *f : OutputFormat::kTable;
}

void AddOutputOption(CLI::App& command, CliState& state) {
  command.add_option("-o,--output", state.output, "Output format: table, json or yaml")
      ->check(CLI::IsMember({"table", "json", "yaml"}));
}

void OnRun(CLI::App& command, CliState& state, std::function<Result<void>()> body) {
  command.callback([&state, body = std::move(body)] { state.action = body; });
}

namespace {

using CommandBuilder = std::function<void(CLI::App&, CliState&)>;

// Whether `parent` has a command named `word` (its name or an alias).
bool HasCommand(CLI::App& parent, std::string const& word) {
  return !parent.get_subcommands([&](CLI::App* command) { return command->check_name(word); })
              .empty();
}

// Runs `builders` on `parent` in order, stopping after the one that adds the command `word` (its
// name or an alias). CLI11 builds every option of every command before it parses, and a short
// command (`credentials aws`, run by awscli again and again) spent about half of its start-up
// there. An empty or unknown word builds everything, so help, completion and the usage error
// for a mistyped command see the whole tree.
void BuildUntil(CLI::App& parent, CliState& state, std::vector<CommandBuilder> const& builders,
                std::string const& word) {
  for (auto const& build : builders) {
    build(parent, state);
    if (!word.empty() && HasCommand(parent, word)) return;
  }
}

void BuildTree(CLI::App& app, CliState& state, std::string const& word,
               std::string const& subword) {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("latchkey 0.1.0"));
  auto connector_group = [&subword](CLI::App& parent, CliState& state) {
    auto* connectors =
        parent.add_subcommand("service-connector", "Register and use service connectors");
    connectors->alias("connector");
    connectors->require_subcommand(1);
    BuildUntil(*connectors, state, {AddTypeCommands, AddConnectorCommands, AddConnectorUseCommands},
               subword);
  };
  auto secret_group = [](CLI::App& parent, CliState& state) {
    auto* secrets = parent.add_subcommand("secret", "Create and manage encrypted secrets");
    secrets->require_subcommand(1);
    AddSecretCommands(*secrets, state);
  };
  // The order of `latchkey --help`; the commands tools run most often come first.
  BuildUntil(
      app, state,
      {connector_group, AddCredentialsCommands, AddExecCommand, secret_group, AddAccountCommands,
       AddServerCommand, AddComponentCommands, AddStackCommands, AddCompletionCommands},
      word);
}

// The command (and subcommand) a command line names, when it starts with them.
std::pair<std::string, std::string> CommandWords(std::vector<std::string> const& args) {
  auto word = [&](size_t i) {
    return i < args.size() && !args[i].empty() && args[i][0] != '-' ? args[i] : std::string();
  };
  std::string first = word(0);
  return {first, first.empty() ? std::string() : word(1)};
}

}  // namespace

void BuildCommandTree(CLI::App& app, CliState& state) { BuildTree(app, state, "", ""); }

int RunCli(int argc, char** argv) {
  CliState state(Environment::FromProcess());
  CLI::App app{
      "Latchkey: a credential broker that hands out short-lived, down-scoped "
      "credentials for one resource at a time",
      "latchkey"};
  // CLI11 parses argv itself; the rewritten words go to it as an argv of their own.
  std::vector<std::string> args =
      ExpandMultiLetterFlags(std::vector<std::string>(argv + 1, argv + argc));
  auto [word, subword] = CommandWords(args);
  BuildTree(app, state, word, subword);
  SetDefaultTableWidth(TableColumns(state.env()));
  if (argc <= 1) {
    // Nothing asked: the overview, as a successful answer rather than a usage error.
    std::cout << app.help();
    return 0;
  }
  // The top level takes no positional arguments, so a first word that names no command is a
  // mistyped one; CLI11 alone would only say that a subcommand is required.
  if (!word.empty() && !HasCommand(app, word)) {
    std::cerr << "Error: unknown command '" << OneLineError(word)
              << "' (latchkey --help lists the commands)\n";
    return ExitCodeFor(ErrorCode::kInvalidArgument);
  }
  std::vector<char*> rewritten{argv[0]};
  for (auto& a : args) rewritten.push_back(a.data());
  rewritten.push_back(nullptr);
  argc = static_cast<int>(args.size()) + 1;
  argv = rewritten.data();

  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    // --help and --version are "errors" that succeed: CLI11 prints them.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    // A usage error is one line, like every other error, and the usage status (CLI11's own
    // adds "Run with --help" on a second line and exits with codes of its own).
    std::cerr << "Error: " << OneLineError(e.what()) << "\n";
    return ExitCodeFor(ErrorCode::kInvalidArgument);
  }
  if (!state.action) return 0;
  Result<void> result;
  try {
    result = state.action();
  } catch (std::exception const& e) {
    // Library exceptions carry no secret values (we never hand them any), so naming them is safe.
    result = Fail(ErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
  if (!result) {
    std::cerr << "Error: " << OneLineError(result.error().message) << "\n";
    return ExitCodeFor(result.error().code);
  }
  return state.exit_code;
}

}  // namespace latchkey::cli
