// Turns a ListQuery (store/list_query.h) into a WHERE clause, an ORDER BY and LIMIT/OFFSET, so
// every list filters, sorts and pages in the database. Values always travel as parameters; LIKE
// patterns escape the user's '%', '_' and '\'.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/list_query.h"
#include "store/sql/sql_connection.h"

namespace latchkey::sql {

// How one filter/sort field of a list is stored. `column` is the SQL expression compared;
// with `in_subquery` (a "... WHERE {}" text) the condition on `column` goes in place of {} and
// the item matches when `id IN (that subquery)` (sets per item: resource types). Every listed
// table has an `id` primary key.
struct ColumnSpec {
  std::string_view field;
  std::string_view column;
  std::string_view in_subquery = {};
  bool integer = false;  // times and flags: compared as integers
};

struct ListSql {
  std::string where;  // "" or "WHERE ..."
  std::vector<Param> params;
  std::string order_by;  // "ORDER BY ..."
};

// `label_subquery`: "SELECT item_id FROM labels_table WHERE {}" with {} over `key`/`value`
// columns (empty: the list has no labels). `tiebreak`: a unique column appended to the order so
// pages never overlap. `visibility`: the condition with one `?` ANDed for query.visible_to.
Result<ListSql> BuildListSql(Dialect dialect, ListQuery const& query,
                             std::span<ColumnSpec const> columns, std::string_view default_sort,
                             std::string_view tiebreak, std::string_view visibility,
                             std::string_view label_subquery = {});

// " LIMIT n OFFSET m" for the query's page (an empty page past the end, never an overflow).
std::string LimitClause(ListQuery const& query);

// The pattern for a LIKE with ESCAPE '\' matching `value` literally, with `before`/`after`
// wildcards.
std::string LikePattern(std::string_view value, bool before, bool after);

// Runs "SELECT COUNT(*) FROM <from> <where>" and returns the count.
Result<int64_t> CountRows(Connection& c, std::string_view from, ListSql const& q);

}  // namespace latchkey::sql
