// Running one command as a child of the CLI (`latchkey exec`): its environment changed as asked,
// the signals the CLI receives passed on, and its exit status turned into ours.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace latchkey::cli {

// Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT in the calling thread so that they wait for
// RunChild instead of killing the CLI. Call before any thread is started (threads inherit the
// mask), and keep the object alive until RunChild returns.
class ForwardedSignals {
 public:
  ForwardedSignals();
  ~ForwardedSignals();  // unblocks them
  ForwardedSignals(ForwardedSignals const&) = delete;
  ForwardedSignals& operator=(ForwardedSignals const&) = delete;

 private:
  bool blocked_ = false;
};

struct ChildCommand {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH
  // Changes to this process's environment: a value sets the variable, nullopt removes it.
  std::map<std::string, std::optional<std::string>> env;
};

// Starts the command with default signal dispositions and an empty signal mask, forwards the
// signals ForwardedSignals holds (except terminal-generated SIGINT/SIGQUIT, which the child,
// being in the same process group, already received), and waits for it. Returns its exit status,
// or 128 + N when signal N ended it. A command that cannot be started is an error.
Result<int> RunChild(ChildCommand const& command);

}  // namespace latchkey::cli
