// One line at the bottom of a terminal, redrawn in place: what the progress bar and the spinner
// draw on stderr. It writes nothing at all unless told the stream is a terminal, so pipes, logs
// and `2>file` see only results and errors.
#pragma once

#include <ostream>
#include <string>

namespace latchkey::cli {

class StatusLine {
 public:
  StatusLine(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

  bool enabled() const { return terminal_; }
  bool drawn() const { return drawn_; }
  // Replaces the line with `text` (already made inert by the caller).
  void Draw(std::string const& text);
  // Erases the line, leaving the cursor where the next output starts as if nothing was drawn.
  void Clear();
  // Keeps the last drawing and moves to the next line.
  void Finish();

 private:
  std::ostream& out_;
  bool terminal_;
  bool drawn_ = false;
};

}  // namespace latchkey::cli
