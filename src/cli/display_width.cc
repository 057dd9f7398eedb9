#include "cli/display_width.h"

namespace latchkey::cli {
namespace {

// Decodes one UTF-8 code point starting at `i`, advancing `i` past it (a stray continuation or
// truncated sequence advances by what is there, so the caller always makes progress).
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

// Appends `word` to `lines`, continuing the last line, cutting it wherever the next character
// would pass `width`. A zero-width code point always stays with the character before it.
void AppendBroken(std::vector<std::string>& lines, size_t& used, std::string_view word,
                  size_t width) {
  for (size_t i = 0; i < word.size();) {
    size_t start = i;
    size_t w = CodePointWidth(NextCodePoint(word, i));
    if (w > 0 && used > 0 && used + w > width) {
      lines.emplace_back();
      used = 0;
    }
    lines.back().append(word.substr(start, i - start));
    used += w;
  }
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) width += CodePointWidth(NextCodePoint(text, i));
  return width;
}

std::vector<std::string> WrapToWidth(std::string_view text, size_t width) {
  if (width == 0 || DisplayWidth(text) <= width) return {std::string(text)};
  std::vector<std::string> lines(1);
  size_t used = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t space = text.find(' ', pos);
    std::string_view word =
        text.substr(pos, space == std::string_view::npos ? std::string_view::npos : space - pos);
    size_t w = DisplayWidth(word);
    if (used > 0 && used + 1 + w <= width) {
      lines.back() += ' ';
      lines.back().append(word);
      used += 1 + w;
    } else {
      // The word does not fit after what the line holds: a new line, unless this one is empty.
      if (used > 0) {
        lines.emplace_back();
        used = 0;
      }
      AppendBroken(lines, used, word, width);
    }
    if (space == std::string_view::npos) break;
    pos = space + 1;
  }
  return lines;
}

}  // namespace latchkey::cli
