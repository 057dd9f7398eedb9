// Turns a ListQuery (store/list_query.h) into a WHERE clause, an ORDER BY and LIMIT/OFFSET, so
// every list filters, sorts and pages in the database. Values always travel as parameters; LIKE
// patterns escape the user's '%', '_' and '\'.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/revision_cache.h"
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
  // SQLite: the FTS5 trigram table over `column`, keyed by the listed table's rowid
  // (trigram_match.h). contains:/startswith:/endswith: add a lookup there to their LIKE, so
  // they read the index instead of every row. PostgreSQL's ILIKE finds its pg_trgm index alone.
  std::string_view trigram_table = {};
};

struct ListSql {
  std::string where;  // "" or "WHERE ..."
  std::vector<Param> params;
  std::string order_by;  // "ORDER BY ..."
};

// `label_subquery`: "SELECT item_id FROM labels_table WHERE {}" with {} over `key`/`value`
// columns (empty: the list has no labels). `tiebreak`: columns ("name, id") that together are
// unique, appended to the order (all but the sort column) so pages never overlap.
// `visibility`: the condition with one `?` ANDed for query.visible_to.
Result<ListSql> BuildListSql(Dialect dialect, ListQuery const& query,
                             std::span<ColumnSpec const> columns, std::string_view default_sort,
                             std::string_view tiebreak, std::string_view visibility,
                             std::string_view label_subquery = {});

// ANDs `condition` (with its `params`, first) onto the list: the part of a list that is not the
// caller's to choose, such as the component type of the route.
void ScopeListSql(ListSql& built, std::string_view condition, std::vector<Param> params = {});

// " LIMIT n OFFSET m" for the query's page (an empty page past the end, never an overflow).
std::string LimitClause(ListQuery const& query);

// The pattern for a LIKE with ESCAPE '\' matching `value` literally, with `before`/`after`
// wildcards.
std::string LikePattern(std::string_view value, bool before, bool after);

// Totals of lists, filed under the store revision they were counted at: paging through a list
// counts it once per change of the store instead of once per page (a count reads every
// matching index entry: 100,000 of them for a deep page of all connectors).
using ListTotals = RevisionCache<int64_t>;

// Runs "SELECT COUNT(*) FROM <from> <where>" and returns the count; with `totals`, the one
// counted at the store's current revision if there is one (read in the caller's transaction,
// before the count, so a total is never older than the revision it is filed under).
Result<int64_t> CountRows(Connection& c, std::string_view from, ListSql const& q,
                          ListTotals* totals = nullptr);

// One page of `table` (whose key column is `id`): the total first, then, unless the page lies past
// the end, the page's IDs from the sort index (without reading the skipped rows) and only those
// rows, through `load(conn, where, params, order_by)`.
template <class T, class Load>
Result<Page<T>> ReadPage(Connection& conn, std::string_view table, ListSql const& built,
                         ListQuery const& q, Load&& load, ListTotals* totals = nullptr) {
  Page<T> page;
  page.index = q.page;
  page.max_size = q.size;
  auto total = CountRows(conn, table, built, totals);
  if (!total) return tl::unexpected(total.error());
  page.total = *total;
  if ((q.page - 1) >= page.total_pages()) return page;  // past the last page: no second query
  std::string where = "WHERE id IN (SELECT id FROM " + std::string(table) + " " + built.where +
                      " " + built.order_by + LimitClause(q) + ")";
  Result<std::vector<T>> items = load(conn, where, built.params, built.order_by);
  if (!items) return tl::unexpected(items.error());
  page.items = std::move(*items);
  return page;
}

}  // namespace latchkey::sql
