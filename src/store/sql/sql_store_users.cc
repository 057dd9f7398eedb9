// SqlStore: users and their API tokens (only hashes are stored).
#include <fmt/format.h>

#include "store/sql/sql_list_query.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_internal.h"

namespace latchkey {
namespace {

using sql::Connection;
using sql::Param;
using sql::Row;

constexpr char kUserColumns[] =
    "id, name, password_hash, admin, service_account, active, created, updated";
constexpr char kTokenColumns[] = "id, user_id, name, token_hash, created, expires_at, revoked";

User UserFromRow(Row const& r) {
  User u;
  u.id = r.Text(0);
  u.name = r.Text(1);
  u.password_hash = r.Text(2);
  u.admin = r.Flag(3);
  u.service_account = r.Flag(4);
  u.active = r.Flag(5);
  u.created = sql::FromEpoch(r.Int(6));
  u.updated = sql::FromEpoch(r.Int(7));
  return u;
}

ApiToken ReadToken(Row const& r) {
  ApiToken t;
  t.id = r.Text(0);
  t.user_id = r.Text(1);
  t.name = r.Text(2);
  t.token_hash = r.Text(3);
  t.created = sql::FromEpoch(r.Int(4));
  if (auto e = r.OptInt(5)) t.expires_at = sql::FromEpoch(*e);
  t.revoked = r.Flag(6);
  return t;
}

std::string UserExists(User const& u) { return "a user named '" + u.name + "' already exists"; }

constexpr sql::ColumnSpec kUserColumnSpecs[] = {
    {"name", "name"},
    {"id", "id"},
    {"active", "active", {}, true},
    {"admin", "admin", {}, true},
    {"service_account", "service_account", {}, true},
    {"created", "created", {}, true},
    {"updated", "updated", {}, true},
};

// A token's `user` is its user's name, matched through the users table.
constexpr sql::ColumnSpec kTokenColumnSpecs[] = {
    {"name", "name"},
    {"id", "id"},
    {"user", "u.name", "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE {}"},
    {"user_id", "user_id"},
    {"revoked", "revoked", {}, true},
    {"created", "created", {}, true},
    {"expires_at", "expires_at", {}, true},
};

Result<std::vector<User>> QueryUsers(Connection& c, std::string const& where,
                                     std::vector<Param> const& params,
                                     std::string const& order_by) {
  auto rows =
      c.Execute(fmt::format("SELECT {} FROM users {} {}", kUserColumns, where, order_by), params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<User> out;
  for (auto const& row : rows->rows) out.push_back(UserFromRow(row));
  return out;
}

Result<std::vector<ApiToken>> QueryTokens(Connection& c, std::string const& where,
                                          std::vector<Param> const& params,
                                          std::string const& order_by) {
  auto rows = c.Execute(
      fmt::format("SELECT {} FROM api_tokens {} {}", kTokenColumns, where, order_by), params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<ApiToken> out;
  for (auto const& row : rows->rows) out.push_back(ReadToken(row));
  return out;
}

}  // namespace

Result<void> SqlStore::CreateUser(User const& u) {
  return Write([&](Connection& c) -> Result<void> {
    auto r = c.Execute(
        std::string("INSERT INTO users(") + kUserColumns + ") VALUES(?,?,?,?,?,?,?,?)",
        {u.id, u.name, u.password_hash, Param::Flag(u.admin), Param::Flag(u.service_account),
         Param::Flag(u.active), sql::Epoch(u.created), sql::Epoch(u.updated)});
    if (!r) return tl::unexpected(sql::WhenExists(r.error(), UserExists(u)));
    return {};
  });
}

Result<User> SqlStore::FindUser(std::string const& name_or_id) {
  return sql::ReadValue<User>(*db_, [&](Connection& c) -> Result<User> {
    auto rows =
        c.Execute(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ? OR name = ?",
                  {name_or_id, name_or_id});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->rows.empty()) return tl::unexpected(sql::NotFound("user", name_or_id));
    // An ID wins over another user's identical name.
    for (auto const& row : rows->rows) {
      if (row.Text(0) == name_or_id) return UserFromRow(row);
    }
    return UserFromRow(rows->rows[0]);
  });
}

Result<Page<User>> SqlStore::PageUsers(ListQuery const& q) {
  ListQuery query = q;
  query.visible_to.reset();  // users are listed by admins only, who see every one
  auto built = sql::BuildListSql(db_->dialect(), query, kUserColumnSpecs, "name", "name", "1 = 1");
  if (!built) return tl::unexpected(built.error());
  return sql::ReadValue<Page<User>>(*db_, [&](Connection& c) {
    return sql::ReadPage<User>(c, "users", *built, query, QueryUsers, &list_totals_);
  });
}

Result<void> SqlStore::UpdateUser(User const& u) {
  return Write([&](Connection& c) -> Result<void> {
    // `updated` travels with the four fields an update may change.
    auto r = c.Execute(
        "UPDATE users SET name = ?, password_hash = ?, admin = ?, active = ?, updated = ? "
        "WHERE id = ?",
        {u.name, u.password_hash, Param::Flag(u.admin), Param::Flag(u.active),
         sql::Epoch(u.updated), u.id});
    if (!r) return tl::unexpected(sql::WhenExists(r.error(), UserExists(u)));
    if (r->affected == 0) return tl::unexpected(sql::NotFound("user", u.id));
    return {};
  });
}

Result<void> SqlStore::DeleteUser(std::string const& id) {
  return Write([&](Connection& c) -> Result<void> {
    // Tokens explicitly, not only through ON DELETE CASCADE: a token of a deleted user must
    // never survive, whatever a database's foreign-key setting.
    if (auto r = c.Execute("DELETE FROM api_tokens WHERE user_id = ?", {id}); !r) {
      return tl::unexpected(r.error());
    }
    auto r = c.Execute("DELETE FROM users WHERE id = ?", {id});
    if (!r) return tl::unexpected(r.error());
    if (r->affected == 0) return tl::unexpected(sql::NotFound("user", id));
    return {};
  });
}

Result<size_t> SqlStore::CountOwnedBy(std::string const& user_id) {
  return sql::ReadValue<size_t>(*db_, [&](Connection& c) -> Result<size_t> {
    auto r = c.Execute(
        "SELECT (SELECT COUNT(*) FROM connectors WHERE owner = ?) + "
        "(SELECT COUNT(*) FROM secrets WHERE owner = ? AND internal = 0)",
        {user_id, user_id});
    if (!r) return tl::unexpected(r.error());
    return static_cast<size_t>(r->rows.at(0).Int(0));
  });
}

Result<void> SqlStore::CreateToken(ApiToken const& t) {
  return Write([&](Connection& c) -> Result<void> {
    auto r = c.Execute(
        std::string("INSERT INTO api_tokens(") + kTokenColumns + ") VALUES(?,?,?,?,?,?,?)",
        {t.id, t.user_id, t.name, t.token_hash, sql::Epoch(t.created), sql::OptEpoch(t.expires_at),
         Param::Flag(t.revoked)});
    if (r) return {};
    if (r.error().code == ErrorCode::kFailedPrecondition) {  // the user does not exist
      return tl::unexpected(sql::NotFound("user", t.user_id));
    }
    return tl::unexpected(sql::WhenExists(r.error(), "an API token with this hash already exists"));
  });
}

Result<ApiToken> SqlStore::FindTokenByHash(std::string const& token_hash) {
  return sql::ReadValue<ApiToken>(*db_, [&](Connection& c) -> Result<ApiToken> {
    auto rows =
        c.Execute(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE token_hash = ?",
                  {token_hash});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->rows.empty()) return Fail(ErrorCode::kNotFound, "no API token with this hash");
    return ReadToken(rows->rows[0]);
  });
}

Result<Page<ApiToken>> SqlStore::PageTokens(ListQuery const& q) {
  auto built = sql::BuildListSql(db_->dialect(), q, kTokenColumnSpecs, "created", "created, id",
                                 "user_id = ?");
  if (!built) return tl::unexpected(built.error());
  return sql::ReadValue<Page<ApiToken>>(*db_, [&](Connection& c) {
    return sql::ReadPage<ApiToken>(c, "api_tokens", *built, q, QueryTokens, &list_totals_);
  });
}

Result<void> SqlStore::RevokeToken(std::string const& id) {
  return Write([&](Connection& c) -> Result<void> {
    auto r = c.Execute("UPDATE api_tokens SET revoked = 1 WHERE id = ?", {id});
    if (!r) return tl::unexpected(r.error());
    if (r->affected == 0) return tl::unexpected(sql::NotFound("API token", id));
    return {};
  });
}

Result<int64_t> SqlStore::Revision() {
  return sql::ReadOneValue<int64_t>(*db_, [](Connection& c) -> Result<int64_t> {
    auto rows = c.Execute("SELECT value FROM store_revision WHERE id = 1");
    if (!rows) return tl::unexpected(rows.error());
    if (rows->rows.empty()) return Fail(ErrorCode::kInternal, "the store has no revision row");
    return rows->rows[0].Int(0);
  });
}

Result<void> SqlStore::Write(sql::Database::Body const& body) {
  return db_->Transact([&](Connection& c) -> Result<void> {
    if (auto r = body(c); !r) return r;
    // Last, so the row lock every writer takes (PostgreSQL) is held only until the commit.
    auto bumped = c.Execute("UPDATE store_revision SET value = value + 1 WHERE id = 1");
    if (!bumped) return tl::unexpected(bumped.error());
    return {};
  });
}

}  // namespace latchkey
