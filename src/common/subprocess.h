// Runs a helper program and collects what it prints, with a deadline: for credential sources that
// are programs (Google's executable-sourced credentials). No shell is involved.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"

namespace latchkey {

struct CapturedOutput {
  int exit_status = 0;  // 128 + N when signal N ended it
  std::string stdout_text;
  std::string stderr_text;
};

// Starts argv (argv[0] looked up on PATH) with `extra_env` added to this process's environment
// and stdin from /dev/null; kills it when `timeout` passes. Output beyond `max_output` bytes (on
// either stream) is an error, so a runaway program cannot exhaust memory. A program not found
// on PATH is kFailedPrecondition.
Result<CapturedOutput> RunCapturingOutput(std::vector<std::string> const& argv,
                                          std::map<std::string, std::string> const& extra_env,
                                          std::chrono::milliseconds timeout,
                                          size_t max_output = 1 << 20);

}  // namespace latchkey
