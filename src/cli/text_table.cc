#include "cli/text_table.h"

#include <algorithm>
#include <atomic>

#include "common/inert_text.h"
#include "common/strings.h"

namespace latchkey::cli {
namespace {

std::string Pad(std::string const& text, size_t width) {
  size_t w = DisplayWidth(text);
  return text + std::string(width > w ? width - w : 0, ' ');
}

std::string Rule(std::vector<size_t> const& widths, char const* left, char const* fill,
                 char const* mid, char const* right) {
  std::string line = left;
  for (size_t i = 0; i < widths.size(); ++i) {
    for (size_t k = 0; k < widths[i] + 2; ++k) line += fill;
    line += i + 1 < widths.size() ? mid : right;
  }
  return line + "\n";
}

std::string Row(std::vector<size_t> const& widths, std::vector<std::string> const& cells) {
  std::vector<std::vector<std::string>> lines;
  size_t height = 1;
  for (auto const& cell : cells) {
    lines.push_back(Split(cell, '\n'));
    height = std::max(height, lines.back().size());
  }
  std::string out;
  for (size_t h = 0; h < height; ++h) {
    out += "┃";
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string text = i < lines.size() && h < lines[i].size() ? lines[i][h] : "";
      out += " " + Pad(text, widths[i]) + " ";
      out += i + 1 < widths.size() ? "│" : "┃";
    }
    out += "\n";
  }
  return out;
}

// Every line of a cell with control characters (ESC, CR, ...) and bidi overrides made visible:
// cells hold names, labels and descriptions other users chose. '\n' stays the line break
// between a cell's lines, so callers joining user text into one cell make each part inert first.
std::vector<std::string> InertCells(std::vector<std::string> const& cells) {
  std::vector<std::string> out;
  out.reserve(cells.size());
  for (auto const& cell : cells) {
    std::vector<std::string> lines = Split(cell, '\n');
    for (auto& line : lines) line = InertText(line);
    out.push_back(Join(lines, "\n"));
  }
  return out;
}

// Columns a table takes beyond its cells: "┃ " + " │ " between cells + " ┃".
size_t BorderWidth(size_t columns) { return columns * 3 + 1; }

// The widest word (text between spaces) of any line of `cells`' column `i`.
size_t LongestWord(std::vector<std::string> const& cells, size_t i) {
  size_t longest = 0;
  if (i >= cells.size()) return 0;
  for (auto const& line : Split(cells[i], '\n')) {
    for (auto const& word : Split(line, ' ')) longest = std::max(longest, DisplayWidth(word));
  }
  return longest;
}

// Narrows columns until the table fits `max_width`, always the widest column first (so short
// columns such as SHARED keep their text whole, as rich does). Words are kept whole while they
// can be: no column goes below its longest word if that is enough to fit, else below its
// header's longest word, else below two columns (one wide character). A table that cannot fit
// even so stays wider.
void FitColumns(std::vector<size_t>& widths, std::vector<std::string> const& headers,
                std::vector<std::vector<std::string>> const& rows, size_t max_width) {
  size_t total = BorderWidth(widths.size());
  for (size_t w : widths) total += w;
  if (total <= max_width) return;
  std::vector<size_t> any_word(widths.size()), header_word(widths.size());
  for (size_t i = 0; i < widths.size(); ++i) {
    header_word[i] = LongestWord(headers, i);
    any_word[i] = header_word[i];
    for (auto const& row : rows) any_word[i] = std::max(any_word[i], LongestWord(row, i));
  }
  constexpr size_t kNarrowestColumn = 2;
  for (int phase = 0; phase < 3 && total > max_width; ++phase) {
    std::vector<size_t> floor(widths.size());
    for (size_t i = 0; i < widths.size(); ++i) {
      size_t wanted = phase == 0 ? any_word[i] : phase == 1 ? header_word[i] : kNarrowestColumn;
      floor[i] = std::min(widths[i], std::max(wanted, kNarrowestColumn));
    }
    // A phase that cannot reach the width would only narrow columns for nothing.
    size_t narrowest = BorderWidth(widths.size());
    for (size_t f : floor) narrowest += f;
    if (narrowest > max_width && phase < 2) continue;
    while (total > max_width) {
      size_t widest = widths.size();
      for (size_t i = 0; i < widths.size(); ++i) {
        if (widths[i] > floor[i] && (widest == widths.size() || widths[i] > widths[widest])) {
          widest = i;
        }
      }
      if (widest == widths.size()) break;
      --widths[widest];
      --total;
    }
  }
}

// Every line of every cell broken to its column's width.
std::vector<std::string> WrapCells(std::vector<std::string> const& cells,
                                   std::vector<size_t> const& widths) {
  std::vector<std::string> out;
  out.reserve(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    std::vector<std::string> lines;
    for (auto const& line : Split(cells[i], '\n')) {
      for (auto& part : WrapToWidth(line, i < widths.size() ? widths[i] : 0)) {
        lines.push_back(std::move(part));
      }
    }
    out.push_back(Join(lines, "\n"));
  }
  return out;
}

std::atomic<size_t> default_table_width{0};

}  // namespace

void SetDefaultTableWidth(size_t columns) { default_table_width = columns; }
size_t DefaultTableWidth() { return default_table_width; }

std::string TextTable::Render() const {
  std::vector<std::string> headers = InertCells(headers_);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(rows_.size());
  for (auto const& r : rows_) rows.push_back(InertCells(r));
  std::vector<size_t> widths(headers.size(), 0);
  auto measure = [&](std::vector<std::string> const& cells) {
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      for (auto const& line : Split(cells[i], '\n')) {
        widths[i] = std::max(widths[i], DisplayWidth(line));
      }
    }
  };
  measure(headers);
  for (auto const& r : rows) measure(r);
  if (max_width_ > 0) {
    FitColumns(widths, headers, rows, max_width_);
    headers = WrapCells(headers, widths);
    for (auto& r : rows) r = WrapCells(r, widths);
  }
  std::string out = Rule(widths, "┏", "━", "┯", "┓");
  out += Row(widths, headers);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 0 || (row_lines_ && !continues_[i])) out += Rule(widths, "┠", "─", "┼", "┨");
    out += Row(widths, rows[i]);
  }
  out += Rule(widths, "┗", "━", "┷", "┛");
  return out;
}

std::string Centered(std::string const& raw, size_t width) {
  std::string text = InertText(raw);
  // A title wider than its table is wrapped to it, each line centred, as the seeds show.
  std::vector<std::string> lines;
  for (auto const& line : WrapToWidth(text, width)) {
    size_t w = DisplayWidth(line);
    lines.push_back(w >= width ? line : std::string((width - w) / 2, ' ') + line);
  }
  return Join(lines, "\n");
}

}  // namespace latchkey::cli
