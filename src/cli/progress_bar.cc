#include "cli/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace latchkey::cli {
namespace {

constexpr int kWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

double MiB(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\n", stderr);
}

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!tty_ || total < kMinBytes) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_ < kRedrawEvery) return;
  last_ = now;
  drawn_ = true;
  int filled = static_cast<int>(kWidth * static_cast<double>(done) / static_cast<double>(total));
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? MiB(done) / seconds : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  std::fputs(fmt::format("\r{} [{}] {:3d}% {:.1f}/{:.1f} MiB {:.1f} MiB/s", label_, bar,
                         static_cast<int>(100 * done / total), MiB(done), MiB(total), rate)
                 .c_str(),
             stderr);
  std::fflush(stderr);
}

}  // namespace latchkey::cli
