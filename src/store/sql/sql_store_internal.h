// Helpers shared by the SqlStore source files (connectors, secrets, users and tokens). Not part
// of the store's interface.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/model.h"
#include "store/sql/sql_connection.h"
#include "store/sql/sql_list_query.h"
#include "store/store.h"

namespace latchkey::sql {

inline int64_t Epoch(TimePoint t) { return static_cast<int64_t>(t.time_since_epoch().count()); }
inline TimePoint FromEpoch(int64_t s) { return TimePoint(std::chrono::seconds(s)); }
inline std::optional<int64_t> OptEpoch(std::optional<TimePoint> t) {
  if (!t) return std::nullopt;
  return Epoch(*t);
}

Error NotFound(char const* what, std::string const& name_or_id);

// A driver's "record already exists" becomes `message`; other errors pass unchanged.
Error WhenExists(Error error, std::string const& message);

// Runs `f(Connection&) -> Result<T>` in a read snapshot / a transaction and returns its value.
// The value is taken from the run that committed (a driver may run `f` more than once).
template <class T, class Run, class F>
Result<T> RunForValue(Run&& run, F&& f) {
  std::optional<T> out;
  auto r = run([&](Connection& c) -> Result<void> {
    auto v = f(c);
    if (!v) return tl::unexpected(v.error());
    out = std::move(*v);
    return {};
  });
  if (!r) return tl::unexpected(r.error());
  return std::move(*out);
}

template <class T, class F>
Result<T> ReadValue(Database& db, F&& f) {
  return RunForValue<T>([&db](auto&& body) { return db.Read(body); }, std::forward<F>(f));
}

template <class T, class F>
Result<T> ReadOneValue(Database& db, F&& f) {
  return RunForValue<T>([&db](auto&& body) { return db.ReadOne(body); }, std::forward<F>(f));
}

template <class T, class F>
Result<T> TransactValue(Database& db, F&& f) {
  return RunForValue<T>([&db](auto&& body) { return db.Transact(body); }, std::forward<F>(f));
}

// What `name_or_id` names, for every kind of item with an owner (connectors, secrets, stack
// components, stacks): the exact ID, else the name as NameScope describes, else a unique ID
// prefix. `query(condition, params)` reads the rows matching an SQL condition (no WHERE).
// Callers who do not see everything read only their own and shared rows (by ID too), so the
// rows of one name stay few (own + shared); for admins they are at most one per user.
template <class T, class Query>
Result<T> FindByNameOrId(Query&& query, char const* what, std::string const& name_or_id,
                         NameScope const& scope) {
  constexpr bool kShareable = requires(T t) { t.shared; };
  std::string visible = kShareable ? "(owner = ? OR shared <> 0)" : "owner = ?";
  auto restrict = [&](std::string cond, std::vector<Param> params) {
    if (scope.sees_all) return query(cond, std::move(params));
    params.emplace_back(scope.caller);
    return query(fmt::format("({}) AND {}", cond, visible), std::move(params));
  };
  auto exact = restrict("id = ? OR name = ?", {name_or_id, name_or_id});
  if (!exact) return tl::unexpected(exact.error());
  T const* other = nullptr;
  size_t others = 0;
  for (int pass = 0; pass < 3; ++pass) {
    for (auto const& row : *exact) {
      if (pass == 0 && row.id == name_or_id) return row;
      if (pass == 1 && row.name == name_or_id && row.owner == scope.caller) return row;
      if (pass == 2 && row.name == name_or_id && row.owner != scope.caller) {
        if constexpr (kShareable) {
          if (row.shared) return row;
        }
        other = &row;
        ++others;
      }
    }
  }
  if (others > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("several {}s of different users are named '{}'; give the ID", what,
                            name_or_id));
  }
  if (other) return *other;
  // IDs are UUIDs: anything else is no prefix of one (and a `%` or `_` must not act as LIKE's
  // wildcards).
  bool uuid_chars = !name_or_id.empty() &&
                    name_or_id.find_first_not_of("0123456789abcdefABCDEF-") == std::string::npos;
  if (!uuid_chars) return tl::unexpected(NotFound(what, name_or_id));
  auto prefixed = restrict("id LIKE ? || '%'", {name_or_id});
  if (!prefixed) return tl::unexpected(prefixed.error());
  if (prefixed->size() == 1) return (*prefixed)[0];
  if (prefixed->size() > 1) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("ID prefix '{}' matches several {}s; give more characters", name_or_id, what));
  }
  return tl::unexpected(NotFound(what, name_or_id));
}

// A secret row and its sealed values; used for connectors' own secrets too.
Result<void> InsertSecret(Connection& c, SecretRecord const& s);

// The WHERE/ORDER BY of a page of connectors (over table `connectors`) and of user secrets (over
// `secrets`), as PageConnectors and PageSecrets run them; tests EXPLAIN them.
Result<ListSql> ConnectorListSql(Dialect dialect, ListQuery const& query);
Result<ListSql> SecretListSql(Dialect dialect, ListQuery const& query);

}  // namespace latchkey::sql
