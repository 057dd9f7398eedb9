#include "cli/status_line.h"

namespace latchkey::cli {
namespace {

// Carriage return, then ECMA-48 "erase in line (whole line)": a shorter redraw leaves no tail.
constexpr char kEraseLine[] = "\r\x1b[2K";

}  // namespace

void StatusLine::Draw(std::string const& text) {
  if (!terminal_) return;
  out_ << kEraseLine << text << std::flush;
  drawn_ = true;
}

void StatusLine::Clear() {
  if (!drawn_) return;
  out_ << kEraseLine << std::flush;
  drawn_ = false;
}

void StatusLine::Finish() {
  if (!drawn_) return;
  out_ << "\n" << std::flush;
  drawn_ = false;
}

}  // namespace latchkey::cli
