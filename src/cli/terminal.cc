#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <string>

namespace latchkey::cli {

bool StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

size_t TableColumns(Environment const& env) {
  if (auto columns = env.Get("COLUMNS")) {
    size_t n = 0;
    auto const* end = columns->data() + columns->size();
    auto [ptr, ec] = std::from_chars(columns->data(), end, n);
    // A malformed COLUMNS is ignored rather than refused: it is set by shells, not by the user.
    if (ec == std::errc() && ptr == end && n > 0) return n;
  }
  if (::isatty(STDOUT_FILENO) != 1) return 0;
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 0;
  return size.ws_col;
}

}  // namespace latchkey::cli
