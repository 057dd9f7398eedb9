// Helpers shared by the SqlStore source files (connectors, secrets, users and tokens). Not part
// of the store's interface.
#pragma once

#include <string>
#include <vector>

#include "core/model.h"
#include "store/sql/sql_connection.h"
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

// A secret row and its sealed values; used for connectors' own secrets too.
Result<void> InsertSecret(Connection& c, SecretRecord const& s);

}  // namespace latchkey::sql
