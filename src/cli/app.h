// The CLI: CLI11 command tree, one shared state, and error-to-exit-code mapping. Each command
// file adds its subcommands; a command's callback stores the action run after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "cli/output.h"
#include "core/connector_type.h"
#include "core/context.h"
#include "service/backend.h"

namespace latchkey::cli {

class CliState {
 public:
  explicit CliState(Environment env) : env_(std::move(env)) {}

  Environment const& env() const { return env_; }
  // Overrides one environment variable for this process's commands; only before backend().
  void SetEnv(std::string const& name, std::string value) { env_.Set(name, std::move(value)); }
  // Opened on first use, so `list-types` needs no store: the server after `latchkey login`, the
  // embedded store otherwise.
  Result<Backend*> backend();
  // A connector context for work the CLI does itself (configuring local clients).
  Context MakeContext();

  std::string output = "table";
  OutputFormat format() const;
  std::function<Result<void>()> action;
  // The exit status of a successful action (`exec` passes on its command's).
  int exit_code = 0;

 private:
  Environment env_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<HttpClient> http_;
};

// CLI11 leaves unset string options empty; the backend wants them absent.
inline OptString Opt(std::string const& s) { return s.empty() ? OptString{} : OptString{s}; }

// Adds `-o/--output table|json|yaml` to a command.
void AddOutputOption(CLI::App& command, CliState& state);
// Sets `state.action` to `body` when `command` is selected.
void OnRun(CLI::App& command, CliState& state, std::function<Result<void>()> body);

void AddTypeCommands(CLI::App& group, CliState& state);
void AddConnectorCommands(CLI::App& group, CliState& state);
void AddConnectorUseCommands(CLI::App& group, CliState& state);
void AddSecretCommands(CLI::App& group, CliState& state);
void AddAccountCommands(CLI::App& app, CliState& state);
void AddServerCommand(CLI::App& app, CliState& state);
void AddCredentialsCommands(CLI::App& app, CliState& state);
void AddExecCommand(CLI::App& app, CliState& state);
// The stack component groups (artifact-store, container-registry, orchestrator) and stacks.
void AddComponentCommands(CLI::App& app, CliState& state);
void AddArtifactCommands(CLI::App& group, CliState& state);  // artifact-store cp | ls
void AddStackCommands(CLI::App& app, CliState& state);
// `completion bash|zsh` and the hidden `__complete` its scripts call.
void AddCompletionCommands(CLI::App& app, CliState& state);

// The whole command tree on `app` (RunCli's, and the completion tests').
void BuildCommandTree(CLI::App& app, CliState& state);

int RunCli(int argc, char** argv);

}  // namespace latchkey::cli
