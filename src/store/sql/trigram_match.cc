#include "store/sql/trigram_match.h"

#include <algorithm>
#include <vector>

#include "common/inert_text.h"
#include "common/strings.h"

namespace latchkey::sql {
namespace {

// Where each character of valid UTF-8 `text` starts (continuation bytes are 10xxxxxx).
std::vector<size_t> CharacterStarts(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  return starts;
}

// `text` as an FTS5 string: in double quotes, a double quote doubled, nothing else special.
std::string QuotedFtsString(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

}  // namespace

std::optional<std::string> TrigramMatchExpression(std::string_view needle) {
  if (HasUnsafeText(needle)) return std::nullopt;
  std::vector<size_t> starts = CharacterStarts(needle);
  if (starts.size() < 3) return std::nullopt;
  starts.push_back(needle.size());
  // The tokenizer folds case itself; lowering here only drops repeats ("AbAb" -> "aba",
  // "bab"), which would add nothing to the AND (and dropping a term only ever loosens it).
  std::vector<std::string> seen;
  std::string expression;
  for (size_t i = 0; i + 3 < starts.size() && seen.size() < kMaxMatchTrigrams; ++i) {
    std::string_view trigram = needle.substr(starts[i], starts[i + 3] - starts[i]);
    std::string key = ToLower(trigram);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(std::move(key));
    if (!expression.empty()) expression += " AND ";
    expression += QuotedFtsString(trigram);
  }
  return expression;
}

}  // namespace latchkey::sql
