// Box-drawn terminal tables in the look of the seeds (rich's HEAVY_EDGE box), with multi-line
// cells and emoji-aware column widths. FTXUI/tabulate are not in Debian 12, so this is ours.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace latchkey::cli {

// Terminal columns taken by UTF-8 text (emoji and East Asian wide characters count 2).
size_t DisplayWidth(std::string_view text);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Cells may hold several lines separated by '\n'.
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }
  // Rules between rows help multi-line cells; property tables read better without them.
  void set_row_lines(bool on) { row_lines_ = on; }
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  bool row_lines_ = true;
};

// A title line centred over `width` columns, as the seeds print above describe tables.
std::string Centered(std::string const& text, size_t width);

}  // namespace latchkey::cli
