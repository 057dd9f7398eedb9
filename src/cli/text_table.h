// Box-drawn terminal tables in the look of the seeds (rich's HEAVY_EDGE box), with multi-line
// cells and emoji-aware column widths, fitted to the terminal by wrapping long cells as the
// seeds' tables are. FTXUI/tabulate are not in Debian 12, so this is ours.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/display_width.h"

namespace latchkey::cli {

// The width tables are fitted to unless a table sets its own; 0 (the default) never wraps. The
// CLI sets it once, from the terminal (terminal.h), before a command runs: every table of a
// command goes to the same terminal, which threading a width through each renderer would only
// repeat.
void SetDefaultTableWidth(size_t columns);
size_t DefaultTableWidth();

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Cells may hold several lines separated by '\n'.
  void AddRow(std::vector<std::string> cells) {
    rows_.push_back(std::move(cells));
    continues_.push_back(false);
  }
  // Part of the row before it: no rule between them. Lines that belong together across columns
  // (a resource type and its names) go in rows of their own this way, so that wrapping one
  // cell cannot move the other out of line.
  void AddContinuationRow(std::vector<std::string> cells) {
    rows_.push_back(std::move(cells));
    continues_.push_back(true);
  }
  bool empty() const { return rows_.empty(); }
  // Rules between rows help multi-line cells; property tables read better without them.
  void set_row_lines(bool on) { row_lines_ = on; }
  // Columns the whole table may take, borders included (0: never wrap).
  void set_max_width(size_t columns) { max_width_ = columns; }
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> continues_;
  bool row_lines_ = true;
  size_t max_width_ = DefaultTableWidth();
};

// A title line centred over `width` columns, as the seeds print above describe tables.
std::string Centered(std::string const& text, size_t width);

}  // namespace latchkey::cli
