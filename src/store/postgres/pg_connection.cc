#include "store/postgres/pg_connection.h"

#include <endian.h>

#include <cstring>
#include <vector>

#include "common/strings.h"
#include "store/store_url.h"

namespace latchkey::postgres {
namespace {

// Type OIDs from the server's catalog (pg_type.dat); stable across releases.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;

constexpr int kTextFormat = 0;
constexpr int kBinaryFormat = 1;

struct ResultDeleter {
  PqLibrary const* pq;
  void operator()(PGresult* r) const { pq->clear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

template <class T>
T BigEndian(char const* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (sizeof(T) == 8) return static_cast<T>(be64toh(static_cast<uint64_t>(v)));
  if constexpr (sizeof(T) == 4) return static_cast<T>(be32toh(static_cast<uint32_t>(v)));
  if constexpr (sizeof(T) == 2) return static_cast<T>(be16toh(static_cast<uint16_t>(v)));
}

sql::Row::Cell DecodeCell(PqLibrary const& pq, PGresult const* res, int row, int column) {
  if (pq.getisnull(res, row, column)) return std::monostate();
  char const* value = pq.getvalue(res, row, column);
  int length = pq.getlength(res, row, column);
  switch (pq.ftype(res, column)) {
    case kInt8Oid:
      if (length == 8) return static_cast<int64_t>(BigEndian<int64_t>(value));
      break;
    case kInt4Oid:
      if (length == 4) return static_cast<int64_t>(BigEndian<int32_t>(value));
      break;
    case kInt2Oid:
      if (length == 2) return static_cast<int64_t>(BigEndian<int16_t>(value));
      break;
    case kBoolOid:
      if (length == 1) return static_cast<int64_t>(value[0] != 0);
      break;
    default:
      break;
  }
  // text, bytea and anything else: the bytes as sent (binary text is the text itself).
  return std::string(value, static_cast<size_t>(length));
}

// Skips a quoted run starting at `i` (the opening quote); returns the index after its close.
size_t SkipQuoted(std::string_view sql, size_t i, char quote) {
  for (++i; i < sql.size(); ++i) {
    if (sql[i] == quote) return i + 1;  // a doubled quote simply re-opens on the next pass
  }
  return sql.size();
}

}  // namespace

std::string RewritePlaceholders(std::string_view sql, size_t* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  size_t n = 0;
  size_t i = 0;
  while (i < sql.size()) {
    char ch = sql[i];
    size_t end = i + 1;
    if (ch == '\'' || ch == '"') {
      end = SkipQuoted(sql, i, ch);
    } else if (sql.substr(i, 2) == "--") {
      end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
    } else if (sql.substr(i, 2) == "/*") {
      end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (ch == '?') {
      out += '$' + std::to_string(++n);
      i = end;
      continue;
    }
    out.append(sql.substr(i, end - i));
    i = end;
  }
  if (count) *count = n;
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(std::string const& conninfo) {
  auto loaded = LoadPqLibrary();
  if (!loaded) return tl::unexpected(loaded.error());
  PqLibrary const& pq = **loaded;
  PGconn* conn = pq.connectdb(conninfo.c_str());
  if (!conn) return Fail(ErrorCode::kResourceExhausted, "cannot connect to PostgreSQL: no memory");
  if (pq.status(conn) != CONNECTION_OK) {
    std::string message = Trim(pq.errorMessage(conn));
    pq.finish(conn);
    return Fail(ErrorCode::kUnavailable, "cannot connect to PostgreSQL at " + RedactUrl(conninfo) +
                                             ": " + ScrubPassword(message, conninfo));
  }
  // The default processor prints NOTICEs ("relation ... already exists, skipping") to stderr.
  pq.setNoticeProcessor(
      conn, [](void*, char const*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(pq, conn));
}

PgConnection::~PgConnection() { pq_.finish(conn_); }

bool PgConnection::Broken() const { return pq_.status(conn_) != CONNECTION_OK; }

bool PgConnection::Reset() {
  pq_.reset(conn_);
  return !Broken();
}

Result<sql::QueryResult> PgConnection::Execute(std::string_view sql,
                                               std::span<sql::Param const> params) {
  size_t placeholders = 0;
  std::string text = RewritePlaceholders(sql, &placeholders);
  if (placeholders != params.size()) {
    return Fail(ErrorCode::kInternal, "bad SQL: " + std::to_string(placeholders) +
                                          " placeholders for " + std::to_string(params.size()) +
                                          " parameters in: " + std::string(sql));
  }
  size_t n = params.size();
  std::vector<Oid> types(n);
  std::vector<char const*> values(n);
  std::vector<int> lengths(n), formats(n);
  std::vector<uint64_t> ints(n);  // big-endian integers must outlive the call
  for (size_t i = 0; i < n; ++i) {
    auto const& p = params[i];
    switch (p.kind()) {
      case sql::Param::Kind::kNull:
        // Typed NULLs: an untyped one cannot be compared or concatenated.
        types[i] = p.null_kind() == sql::Param::Kind::kInt ? kInt8Oid : kTextOid;
        values[i] = nullptr;
        break;
      case sql::Param::Kind::kText:
        types[i] = kTextOid;
        values[i] = p.bytes().c_str();
        formats[i] = kTextFormat;
        break;
      case sql::Param::Kind::kInt:
        types[i] = kInt8Oid;
        ints[i] = htobe64(static_cast<uint64_t>(p.integer()));
        values[i] = reinterpret_cast<char const*>(&ints[i]);
        lengths[i] = sizeof(uint64_t);
        formats[i] = kBinaryFormat;
        break;
      case sql::Param::Kind::kBlob:
        types[i] = kByteaOid;
        values[i] = p.bytes().data();
        lengths[i] = static_cast<int>(p.bytes().size());
        formats[i] = kBinaryFormat;
        break;
    }
  }
  ResultPtr res(pq_.execParams(conn_, text.c_str(), static_cast<int>(n), types.data(),
                               values.data(), lengths.data(), formats.data(), kBinaryFormat),
                ResultDeleter{&pq_});
  auto status = res ? pq_.resultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return tl::unexpected(ErrorFrom(res.get()));
  }
  sql::QueryResult result;
  int rows = pq_.ntuples(res.get()), columns = pq_.nfields(res.get());
  result.rows.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<sql::Row::Cell> cells;
    cells.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) cells.push_back(DecodeCell(pq_, res.get(), r, c));
    result.rows.emplace_back(std::move(cells));
  }
  char const* affected = pq_.cmdTuples(res.get());
  if (affected && *affected) result.affected = std::strtoll(affected, nullptr, 10);
  return result;
}

Result<void> PgConnection::ExecuteScript(std::string const& sql) {
  ResultPtr res(pq_.exec(conn_, sql.c_str()), ResultDeleter{&pq_});
  auto status = res ? pq_.resultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return tl::unexpected(ErrorFrom(res.get()));
  }
  return {};
}

Error PgConnection::ErrorFrom(PGresult const* res) {
  char const* state = res ? pq_.resultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  char const* primary = res ? pq_.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? primary : Trim(pq_.errorMessage(conn_));
  // Class 08 is a connection exception; 57P01-03 the server shutting this session down (e.g.
  // pg_terminate_backend, a restart).
  if (!res || Broken() || StartsWith(sqlstate, "08") || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    failure_ = Failure::kBroken;
    return Error{ErrorCode::kUnavailable, "lost the connection to PostgreSQL: " + message};
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {
    if (failure_ == Failure::kNone) failure_ = Failure::kRetryable;
  } else if (sqlstate == "23505") {
    return Error{ErrorCode::kAlreadyExists, "record already exists"};
  } else if (sqlstate == "23503") {
    return Error{ErrorCode::kFailedPrecondition, "record is still referenced"};
  }
  return Error{ErrorCode::kUnavailable, "database error: " + message};
}

}  // namespace latchkey::postgres
