// How many terminal columns UTF-8 text takes, and how to break it into lines of a given width,
// for the tables that fit the terminal. Both count emoji and East Asian wide characters as two
// columns and never split a character (its bytes, or its zero-width combining marks and
// variation selectors from the character before them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace latchkey::cli {

// Terminal columns taken by UTF-8 text (emoji and East Asian wide characters count 2).
size_t DisplayWidth(std::string_view text);

// `text` (one line) broken into lines of at most `width` columns: at spaces where a word fits,
// inside a word that is wider than a whole line. A character wider than `width` itself gets a
// line of its own. `width` 0 means no limit. Always at least one line.
std::vector<std::string> WrapToWidth(std::string_view text, size_t width);

}  // namespace latchkey::cli
