// The dialect-neutral seam between SqlStore and a database driver: statements with positional
// `?` parameters, fully read result rows, and a database that runs a body on one connection,
// with or without a transaction. SQL is written once; drivers translate what little differs
// (placeholders, column type words).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"

namespace latchkey::sql {

enum class Dialect { kSqlite, kPostgres };

// One positional parameter: NULL, text, a 64-bit integer or bytes (BLOB / BYTEA). Implicit
// constructors on purpose, so a statement's values read `{c.id, c.name, c.expires_at}`; the
// `int` one keeps a literal 0 from being ambiguous with `char const*`.
class Param {
 public:
  enum class Kind { kNull, kText, kInt, kBlob };

  Param(std::string text) : kind_(Kind::kText), text_(std::move(text)) {}
  Param(char const* text) : kind_(Kind::kText), text_(text) {}
  Param(std::optional<std::string> const& text)
      : kind_(text ? Kind::kText : Kind::kNull), text_(text.value_or("")) {}
  Param(int value) : kind_(Kind::kInt), int_(value) {}
  Param(int64_t value) : kind_(Kind::kInt), int_(value) {}
  Param(std::optional<int64_t> value)
      : kind_(value ? Kind::kInt : Kind::kNull), null_kind_(Kind::kInt), int_(value.value_or(0)) {}
  static Param Blob(std::string bytes) {
    Param p(std::move(bytes));
    p.kind_ = Kind::kBlob;
    return p;
  }
  // Booleans are stored as 0/1 integers in both dialects (one schema text, no BOOLEAN casts).
  static Param Flag(bool value) { return Param(int64_t{value ? 1 : 0}); }

  Kind kind() const { return kind_; }
  Kind null_kind() const { return null_kind_; }       // what a NULL stands for: kText or kInt
  std::string const& bytes() const { return text_; }  // text or blob
  int64_t integer() const { return int_; }

 private:
  Kind kind_;
  Kind null_kind_ = Kind::kText;
  std::string text_;
  int64_t int_ = 0;
};

// A fully read row. Cells are NULL, an integer, or bytes (text and blobs alike).
class Row {
 public:
  using Cell = std::variant<std::monostate, int64_t, std::string>;
  explicit Row(std::vector<Cell> cells) : cells_(std::move(cells)) {}

  bool IsNull(size_t column) const;
  std::string Text(size_t column) const;  // NULL -> ""
  std::optional<std::string> OptText(size_t column) const;
  int64_t Int(size_t column) const;  // NULL -> 0
  std::optional<int64_t> OptInt(size_t column) const;
  bool Flag(size_t column) const { return Int(column) != 0; }

 private:
  std::vector<Cell> cells_;
};

struct QueryResult {
  std::vector<Row> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

// One database connection. Errors: a UNIQUE violation is kAlreadyExists ("record already
// exists"), a foreign-key violation kFailedPrecondition; anything else kUnavailable.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // One statement with `?` placeholders.
  virtual Result<QueryResult> Execute(std::string_view sql, std::span<Param const> params) = 0;
  Result<QueryResult> Execute(std::string_view sql, std::initializer_list<Param> params = {}) {
    return Execute(sql, std::span<Param const>(params.begin(), params.size()));
  }
  // Several statements without parameters (migrations).
  virtual Result<void> ExecuteScript(std::string const& sql) = 0;
};

// A database that hands out connections to bodies. Both entry points may be called from many
// threads at once; a connection is used by one body at a time.
class Database {
 public:
  using Body = std::function<Result<void>(Connection&)>;
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // For reads only, in one read-only snapshot for all the body's statements (a driver may run
  // `body` again after a lost connection).
  virtual Result<void> Read(Body const& body) = 0;
  // A read of one statement, which is its own snapshot: no BEGIN/COMMIT round trips.
  virtual Result<void> ReadOne(Body const& body) = 0;
  // Inside one transaction that commits whole or leaves nothing behind. A driver may run `body`
  // more than once (after a serialization failure or a lost connection, never after a commit),
  // so `body` must reset whatever it accumulates outside the database at its start.
  virtual Result<void> Transact(Body const& body) = 0;
};

}  // namespace latchkey::sql
