#include "cli/text_table.h"

#include <algorithm>

#include "common/inert_text.h"
#include "common/strings.h"

namespace latchkey::cli {
namespace {

// Decodes one UTF-8 code point starting at `i`, advancing `i`.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
  char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
  ++i;
  for (int k = 0; k < extra && i < s.size(); ++k, ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  }
  return cp;
}

size_t CodePointWidth(char32_t cp) {
  if (cp == 0xFE0F || cp == 0x200D || (cp >= 0x0300 && cp <= 0x036F)) return 0;
  if ((cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
      (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x2B00 && cp <= 0x2BFF)) {
    return 2;
  }
  return 1;
}

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

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) width += CodePointWidth(NextCodePoint(text, i));
  return width;
}

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
  std::string out = Rule(widths, "┏", "━", "┯", "┓");
  out += Row(widths, headers);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (row_lines_ || i == 0) out += Rule(widths, "┠", "─", "┼", "┨");
    out += Row(widths, rows[i]);
  }
  out += Rule(widths, "┗", "━", "┷", "┛");
  return out;
}

std::string Centered(std::string const& raw, size_t width) {
  std::string text = InertText(raw);
  size_t w = DisplayWidth(text);
  if (w >= width) return text;
  return std::string((width - w) / 2, ' ') + text;
}

}  // namespace latchkey::cli
