// A progress bar on stderr for long transfers: only on a terminal and only for large files, so
// scripts and logs see nothing but the result. Drawn through StatusLine, as the spinner is.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "cli/status_line.h"

namespace latchkey::cli {

class ProgressBar {
 public:
  // Drawn only when stderr is a terminal and the transfer is at least this big.
  static constexpr uint64_t kMinBytes = 8ull << 20;

  explicit ProgressBar(std::string label);
  ~ProgressBar();  // ends the line if anything was drawn

  void Update(uint64_t done, uint64_t total);

 private:
  std::string label_;
  StatusLine line_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace latchkey::cli
