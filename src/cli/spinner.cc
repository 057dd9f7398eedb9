#include "cli/spinner.h"

#include <array>
#include <iostream>

#include "cli/terminal.h"
#include "common/inert_text.h"

namespace latchkey::cli {
namespace {

// Braille frames, as the seeds' `⠼` / `⠸` (rich's "dots" spinner).
constexpr std::array<char const*, 10> kSpinnerFrames = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                        "⠴", "⠦", "⠧", "⠇", "⠏"};

}  // namespace

Spinner::Spinner(std::ostream& out, bool terminal, std::string message,
                 std::chrono::milliseconds delay)
    : line_(out, terminal), message_(InertText(message)) {
  if (line_.enabled()) thread_ = std::thread([this, delay] { Run(delay); });
}

Spinner::~Spinner() { Stop(); }

void Spinner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Only the spinner's thread draws, and it has ended: the line is ours to erase.
  line_.Clear();
}

void Spinner::Run(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  if (wake_.wait_for(lock, delay, [this] { return stopping_; })) return;
  for (size_t frame = 0;; ++frame) {
    line_.Draw(std::string(kSpinnerFrames[frame % kSpinnerFrames.size()]) + " " + message_);
    if (wake_.wait_for(lock, kFrameInterval, [this] { return stopping_; })) return;
  }
}

std::unique_ptr<Spinner> StartSpinner(bool table_output, std::string message) {
  return std::make_unique<Spinner>(std::cerr, table_output && StderrIsTerminal(),
                                   std::move(message));
}

}  // namespace latchkey::cli
