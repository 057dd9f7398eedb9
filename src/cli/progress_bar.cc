#include "cli/progress_bar.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/terminal.h"
#include "common/inert_text.h"

namespace latchkey::cli {
namespace {

constexpr int kWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

double MiB(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

ProgressBar::ProgressBar(std::string label)
    : label_(InertText(label)),
      line_(std::cerr, StderrIsTerminal()),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { line_.Finish(); }

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!line_.enabled() || total < kMinBytes) return;
  auto now = std::chrono::steady_clock::now();
  if (line_.drawn() && done < total && now - last_ < kRedrawEvery) return;
  last_ = now;
  int filled = static_cast<int>(kWidth * static_cast<double>(done) / static_cast<double>(total));
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? MiB(done) / seconds : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  line_.Draw(fmt::format("{} [{}] {:3d}% {:.1f}/{:.1f} MiB {:.1f} MiB/s", label_, bar,
                         static_cast<int>(100 * done / total), MiB(done), MiB(total), rate));
}

}  // namespace latchkey::cli
