// A spinner on stderr while a slow call runs (`⠼ Registering service connector 'aws-s3'...`,
// as upstream's CLI shows): a call that waits on a provider for seconds no longer looks hung.
// Drawn only on a terminal and erased when the call returns, so output and pipes are unchanged.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "cli/status_line.h"

namespace latchkey::cli {

class Spinner {
 public:
  static constexpr auto kFrameInterval = std::chrono::milliseconds(100);

  // `message` may hold names other users chose; it is made inert here. Nothing is drawn until
  // `delay` has passed, so a call that returns at once does not flicker.
  Spinner(std::ostream& out, bool terminal, std::string message,
          std::chrono::milliseconds delay = std::chrono::milliseconds(150));
  ~Spinner();  // stops and erases the line
  Spinner(Spinner const&) = delete;
  Spinner& operator=(Spinner const&) = delete;

  // Stops drawing and erases the line (idempotent); call before printing the result.
  void Stop();

 private:
  void Run(std::chrono::milliseconds delay);

  StatusLine line_;
  std::string message_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The spinner for a command's slow call: drawn when stderr is a terminal and the command prints
// a table (`-o json|yaml` output is for programs, which want no decoration on any stream).
std::unique_ptr<Spinner> StartSpinner(bool table_output, std::string message);

}  // namespace latchkey::cli
