#include "store/sql/sql_connection.h"

#include <charconv>

namespace latchkey::sql {

bool Row::IsNull(size_t column) const {
  return std::holds_alternative<std::monostate>(cells_.at(column));
}

std::string Row::Text(size_t column) const { return OptText(column).value_or(""); }

std::optional<std::string> Row::OptText(size_t column) const {
  auto const& cell = cells_.at(column);
  if (auto const* s = std::get_if<std::string>(&cell)) return *s;
  if (auto const* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  return std::nullopt;
}

int64_t Row::Int(size_t column) const { return OptInt(column).value_or(0); }

std::optional<int64_t> Row::OptInt(size_t column) const {
  auto const& cell = cells_.at(column);
  if (auto const* i = std::get_if<int64_t>(&cell)) return *i;
  if (auto const* s = std::get_if<std::string>(&cell)) {
    // Only reached for a text column read as a number; SqlStore never does that on purpose.
    int64_t value = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), value);
    if (ec == std::errc() && end == s->data() + s->size()) return value;
  }
  return std::nullopt;
}

}  // namespace latchkey::sql
