#include "store/sql/sql_list_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>

#include "store/sql/trigram_match.h"

namespace latchkey::sql {
namespace {

ColumnSpec const* FindListColumn(std::span<ColumnSpec const> columns, std::string_view field) {
  auto it = std::find_if(columns.begin(), columns.end(),
                         [field](ColumnSpec const& c) { return c.field == field; });
  return it == columns.end() ? nullptr : &*it;
}

Param ListValueParam(ColumnSpec const& spec, std::string const& value) {
  if (!spec.integer) return Param(value);
  if (value == "true") return Param(int64_t{1});
  if (value == "false") return Param(int64_t{0});
  int64_t n = 0;
  std::from_chars(value.data(), value.data() + value.size(), n);
  return Param(n);
}

std::string SubstituteListCondition(std::string_view templ, std::string const& condition) {
  std::string out(templ);
  if (auto pos = out.find("{}"); pos != std::string::npos) out.replace(pos, 2, condition);
  return out;
}

// The condition of one filter on `column`, appending its parameters.
std::string ListCondition(Dialect dialect, ColumnSpec const& spec, std::string_view column,
                          FieldFilter const& f, std::vector<Param>& params) {
  // Upstream's text operators are LIKE on SQLite/MySQL, which ignore ASCII case; PostgreSQL's
  // LIKE does not, so it gets ILIKE.
  std::string_view like = dialect == Dialect::kPostgres ? "ILIKE" : "LIKE";
  auto one = [&](char const* op) {
    params.push_back(ListValueParam(spec, f.values.front()));
    return fmt::format("{} {} ?", column, op);
  };
  auto pattern = [&](bool before, bool after) {
    params.emplace_back(LikePattern(f.values.front(), before, after));
    std::string exact = fmt::format("{} {} ? ESCAPE '\\'", column, like);
    if (dialect != Dialect::kSqlite || spec.trigram_table.empty()) return exact;
    auto match = TrigramMatchExpression(f.values.front());
    if (!match) return exact;  // under three characters (or not UTF-8): nothing to look up
    params.emplace_back(std::move(*match));
    // The LIKE stays: the lookup only narrows (it folds more than ASCII case, matches
    // trigrams in any order). `rowid` is the listed table's: the subquery names its own.
    return fmt::format("({} AND rowid IN (SELECT rowid FROM {} WHERE {} MATCH ?))", exact,
                       spec.trigram_table, spec.trigram_table);
  };
  switch (f.op) {
    case FilterOp::kEquals:
      return one("=");
    case FilterOp::kGt:
      return one(">");
    case FilterOp::kGte:
      return one(">=");
    case FilterOp::kLt:
      return one("<");
    case FilterOp::kLte:
      return one("<=");
    case FilterOp::kContains:
      return pattern(true, true);
    case FilterOp::kStartsWith:
      return pattern(false, true);
    case FilterOp::kEndsWith:
      return pattern(true, false);
    case FilterOp::kOneOf: {
      std::string marks;
      for (auto const& v : f.values) {
        marks += marks.empty() ? "?" : ",?";
        params.push_back(ListValueParam(spec, v));
      }
      return fmt::format("{} IN ({})", column, marks);
    }
  }
  return "1 = 0";
}

}  // namespace

std::string LikePattern(std::string_view value, bool before, bool after) {
  std::string out = before ? "%" : "";
  for (char ch : value) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  if (after) out += '%';
  return out;
}

Result<ListSql> BuildListSql(Dialect dialect, ListQuery const& query,
                             std::span<ColumnSpec const> columns, std::string_view default_sort,
                             std::string_view tiebreak, std::string_view visibility,
                             std::string_view label_subquery) {
  ListSql out;
  std::vector<std::string> conds;
  for (auto const& f : query.fields) {
    ColumnSpec const* spec = FindListColumn(columns, f.field);
    if (!spec || f.values.empty()) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("unknown filter '{}'", f.field));
    }
    if (spec->in_subquery.empty()) {
      conds.push_back(ListCondition(dialect, *spec, spec->column, f, out.params));
    } else {
      std::string inner = ListCondition(dialect, *spec, spec->column, f, out.params);
      conds.push_back(fmt::format("id IN ({})", SubstituteListCondition(spec->in_subquery, inner)));
    }
  }
  for (auto const& l : query.labels) {
    if (label_subquery.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "this list has no labels to filter on");
    }
    out.params.emplace_back(l.key);
    std::string inner = "key = ?";
    if (l.value) {
      out.params.emplace_back(*l.value);
      inner += " AND value = ?";
    }
    conds.push_back(fmt::format("id IN ({})", SubstituteListCondition(label_subquery, inner)));
  }
  std::string joined;
  for (auto const& c : conds) {
    if (!joined.empty()) joined += query.match_any ? " OR " : " AND ";
    joined += c;
  }
  std::vector<std::string> all;
  if (!joined.empty()) all.push_back(conds.size() > 1 ? "(" + joined + ")" : joined);
  if (query.visible_to) {
    out.params.emplace_back(*query.visible_to);
    all.emplace_back(visibility);
  }
  for (size_t i = 0; i < all.size(); ++i) out.where += (i ? " AND " : "WHERE ") + all[i];

  std::string_view sort = query.sort_field.empty() ? default_sort : query.sort_field;
  ColumnSpec const* key = FindListColumn(columns, sort);
  if (!key || !key->in_subquery.empty()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("cannot sort by '{}'", sort));
  }
  char const* dir = query.descending ? " DESC" : "";
  out.order_by = fmt::format("ORDER BY {}{}", key->column, dir);
  for (std::string_view rest = tiebreak; !rest.empty();) {
    size_t comma = rest.find(',');
    std::string_view column = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (column != key->column) out.order_by += fmt::format(", {}{}", column, dir);
  }
  return out;
}

void ScopeListSql(ListSql& built, std::string_view condition, std::vector<Param> params) {
  std::string rest = built.where.empty() ? "" : " AND " + built.where.substr(6);
  built.where = "WHERE " + std::string(condition) + rest;
  params.insert(params.end(), built.params.begin(), built.params.end());
  built.params = std::move(params);
}

std::string LimitClause(ListQuery const& query) {
  int64_t size = std::clamp<int64_t>(query.size, 1, kMaxPageSize);
  int64_t page = std::max<int64_t>(query.page, 1);
  // Past any real table: an empty page rather than an overflow.
  int64_t offset = page - 1 > std::numeric_limits<int64_t>::max() / size / 2
                       ? std::numeric_limits<int64_t>::max() / 2
                       : (page - 1) * size;
  return fmt::format(" LIMIT {} OFFSET {}", size, offset);
}

namespace {

// The table, the condition and every parameter with its kind and length, so no two different
// lists share a key.
std::string TotalKey(std::string_view from, ListSql const& q) {
  std::string key = fmt::format("{}\n{}", from, q.where);
  for (auto const& p : q.params) {
    std::string const& bytes = p.bytes();
    if (p.kind() == Param::Kind::kInt) {
      key += fmt::format("\ni{}", p.integer());
    } else {
      key += fmt::format("\n{}{}:", static_cast<int>(p.kind()), bytes.size());
      key += bytes;
    }
  }
  return key;
}

}  // namespace

Result<int64_t> CountRows(Connection& c, std::string_view from, ListSql const& q,
                          ListTotals* totals) {
  std::optional<int64_t> revision;
  std::string key;
  if (totals) {
    auto rows = c.Execute("SELECT value FROM store_revision WHERE id = 1");
    if (!rows) return tl::unexpected(rows.error());
    if (!rows->rows.empty()) {
      revision = rows->rows[0].Int(0);
      key = TotalKey(from, q);
      if (auto hit = totals->Get(key, *revision)) return *hit;
    }
  }
  auto rows = c.Execute(fmt::format("SELECT COUNT(*) FROM {} {}", from, q.where), q.params);
  if (!rows) return tl::unexpected(rows.error());
  int64_t total = rows->rows.empty() ? 0 : rows->rows[0].Int(0);
  if (revision) totals->Put(std::move(key), *revision, total);
  return total;
}

}  // namespace latchkey::sql
