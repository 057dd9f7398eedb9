#include "cli/app.h"

#include <iostream>

#include "cli/short_flags.h"
#include "client/open_backend.h"

namespace latchkey::cli {

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

void BuildCommandTree(CLI::App& app, CliState& state) {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("latchkey 0.1.0"));
  auto* connectors = app.add_subcommand("service-connector", "Register and use service connectors");
  connectors->alias("connector");
  connectors->require_subcommand(1);
  AddTypeCommands(*connectors, state);
  AddConnectorCommands(*connectors, state);
  AddConnectorUseCommands(*connectors, state);
  auto* secrets = app.add_subcommand("secret", "Create and manage encrypted secrets");
  secrets->require_subcommand(1);
  AddSecretCommands(*secrets, state);
  AddAccountCommands(app, state);
  AddServerCommand(app, state);
  AddCredentialsCommands(app, state);
  AddExecCommand(app, state);
  AddComponentCommands(app, state);
  AddStackCommands(app, state);
  AddCompletionCommands(app, state);
}

int RunCli(int argc, char** argv) {
  CliState state(Environment::FromProcess());
  CLI::App app{
      "Latchkey: a credential broker that hands out short-lived, down-scoped "
      "credentials for one resource at a time",
      "latchkey"};
  BuildCommandTree(app, state);
  if (argc <= 1) {
    // Nothing asked: the overview, as a successful answer rather than a usage error.
    std::cout << app.help();
    return 0;
  }
  // CLI11 parses argv itself; the rewritten words go to it as an argv of their own.
  std::vector<std::string> args =
      ExpandMultiLetterFlags(std::vector<std::string>(argv + 1, argv + argc));
  std::vector<char*> rewritten{argv[0]};
  for (auto& a : args) rewritten.push_back(a.data());
  rewritten.push_back(nullptr);
  argc = static_cast<int>(args.size()) + 1;
  argv = rewritten.data();

  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    return app.exit(e);
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
    // One line, whatever an upstream server put in its error text.
    std::string message = result.error().message;
    for (char& c : message) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    std::cerr << "Error: " << message << "\n";
    return ExitCodeFor(result.error().code);
  }
  return state.exit_code;
}

}  // namespace latchkey::cli
