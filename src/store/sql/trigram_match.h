// The SQLite side of the name index behind `contains:`, `startswith:` and `endswith:`
// (migration 8): an FTS5 table with the trigram tokenizer, detail=none, keyed by the listed
// table's rowid. It only narrows: the exact LIKE on the base column stays in the query, so the
// answer is LIKE's (ASCII case-insensitive, the user's '%', '_' and '\' literal) whatever the
// index folds or matches loosely.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::sql {

// The FTS5 MATCH expression `"abc" AND "bcd" AND ...` over the trigrams of `needle`, each a
// quoted string so FTS5 reads every character literally. A row holding `needle` (in any ASCII
// case) holds every one of them, so the lookup never drops a row LIKE keeps; it is not a
// phrase (detail=none keeps no positions), so it may let through rows LIKE then drops. At most
// kMaxMatchTrigrams of them: a longer needle is selective enough with its first ones. None
// when the index cannot help: fewer than three characters (no trigram at all), or text that
// is not UTF-8 or holds control characters (HasUnsafeText; LIKE alone answers those).
inline constexpr size_t kMaxMatchTrigrams = 16;

std::optional<std::string> TrigramMatchExpression(std::string_view needle);

}  // namespace latchkey::sql
