// SqlStore: user secrets (internal ones, a connector's own, stay hidden) and key-rotation
// re-sealing.
#include <algorithm>
#include <map>

#include "store/sql/sql_list_query.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_internal.h"

namespace latchkey {
namespace sql {

namespace {

Result<void> InsertSecretValues(Connection& c, SecretRecord const& s) {
  for (auto const& v : s.values) {
    auto r = c.Execute("INSERT INTO secret_values(secret_id, key, key_id, sealed) VALUES(?,?,?,?)",
                       {s.id, v.key, v.key_id, Param::Blob(v.sealed)});
    if (!r) return tl::unexpected(r.error());
  }
  return {};
}

std::string AlreadyExists(SecretRecord const& s) {
  return "a secret named '" + s.name + "' already exists";
}

}  // namespace

Result<void> InsertSecret(Connection& c, SecretRecord const& s) {
  auto r = c.Execute(
      "INSERT INTO secrets(id, name, owner, internal, shared, created, updated) "
      "VALUES(?,?,?,?,?,?,?)",
      {s.id, s.name, s.owner, Param::Flag(s.internal), Param::Flag(s.shared), Epoch(s.created),
       Epoch(s.updated)});
  if (!r) return tl::unexpected(WhenExists(r.error(), AlreadyExists(s)));
  return InsertSecretValues(c, s);
}

namespace {

// `with_values`: sealed bytes and key IDs too; otherwise the values' keys only.
// `tail`: the select's ORDER BY and LIMIT.
Result<std::vector<SecretRecord>> QuerySecrets(Connection& c, std::string const& where,
                                               std::vector<Param> const& params, bool with_values,
                                               std::string const& tail = "ORDER BY name") {
  auto rows = c.Execute("SELECT id, name, owner, internal, shared, created, updated FROM secrets " +
                            where + " " + tail,
                        params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<SecretRecord> out;
  for (auto const& row : rows->rows) {
    SecretRecord s;
    s.id = row.Text(0);
    s.name = row.Text(1);
    s.owner = row.Text(2);
    s.internal = row.Flag(3);
    s.shared = row.Flag(4);
    s.created = FromEpoch(row.Int(5));
    s.updated = FromEpoch(row.Int(6));
    out.push_back(std::move(s));
  }
  // The values of the rows read, a bounded batch of secrets per statement.
  constexpr size_t kBatch = 200;
  for (size_t first = 0; first < out.size(); first += kBatch) {
    size_t last = std::min(out.size(), first + kBatch);
    std::vector<Param> ids;
    std::string marks;
    std::map<std::string, SecretRecord*> by_id;
    for (size_t i = first; i < last; ++i) {
      ids.emplace_back(out[i].id);
      marks += marks.empty() ? "?" : ",?";
      by_id[out[i].id] = &out[i];
    }
    auto values = c.Execute(
        std::string("SELECT secret_id, key") + (with_values ? ", key_id, sealed" : "") +
            " FROM secret_values WHERE secret_id IN (" + marks + ") ORDER BY secret_id, key",
        ids);
    if (!values) return tl::unexpected(values.error());
    for (auto const& v : values->rows) {
      auto it = by_id.find(v.Text(0));
      if (it == by_id.end()) continue;
      it->second->values.push_back(
          EncryptedValue{v.Text(1), with_values ? v.Text(2) : "", with_values ? v.Text(3) : ""});
    }
  }
  return out;
}

}  // namespace
}  // namespace sql

using sql::Connection;
using sql::Param;

Result<void> SqlStore::CreateSecret(SecretRecord const& s) {
  return Write([&](Connection& c) { return sql::InsertSecret(c, s); });
}

Result<SecretRecord> SqlStore::GetSecretById(std::string const& id) {
  return sql::ReadValue<SecretRecord>(*db_, [&](Connection& c) -> Result<SecretRecord> {
    auto rows = sql::QuerySecrets(c, "WHERE id = ?", {id}, true);
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return tl::unexpected(sql::NotFound("secret", id));
    return (*rows)[0];
  });
}

Result<SecretRecord> SqlStore::FindSecret(std::string const& name_or_id, NameScope const& scope) {
  return sql::ReadValue<SecretRecord>(*db_, [&](Connection& c) {
    return sql::FindByNameOrId<SecretRecord>(
        [&](std::string const& cond, std::vector<Param> const& params) {
          return sql::QuerySecrets(c, "WHERE internal = 0 AND (" + cond + ")", params, true);
        },
        "secret", name_or_id, scope);
  });
}

Result<std::vector<SecretRecord>> SqlStore::ListSecrets(SecretFilter const& filter) {
  return sql::ReadValue<std::vector<SecretRecord>>(*db_, [&](Connection& c) {
    if (filter.visible_to) {
      return sql::QuerySecrets(c, "WHERE internal = 0 AND (owner = ? OR shared = 1)",
                               {*filter.visible_to}, false);
    }
    return sql::QuerySecrets(c, "WHERE internal = 0", {}, false);
  });
}

namespace {

constexpr sql::ColumnSpec kSecretColumnSpecs[] = {
    {"name", "name", {}, false, "secret_name_trigrams"},
    {"user", "owner"},
    {"id", "id"},
    {"created", "created", {}, true},
    {"updated", "updated", {}, true},
};

}  // namespace

Result<sql::ListSql> sql::SecretListSql(Dialect dialect, ListQuery const& query) {
  auto built = BuildListSql(dialect, query, kSecretColumnSpecs, "name", "name, id",
                            "(owner = ? OR shared = 1)");
  if (!built) return built;
  ScopeListSql(*built, "internal = 0");  // a connector's own secrets are never listed
  return built;
}

Result<Page<SecretRecord>> SqlStore::PageSecrets(ListQuery const& q) {
  auto built = sql::SecretListSql(db_->dialect(), q);
  if (!built) return tl::unexpected(built.error());
  return sql::ReadValue<Page<SecretRecord>>(*db_, [&](Connection& c) {
    return sql::ReadPage<SecretRecord>(
        c, "secrets", *built, q,
        [](Connection& conn, std::string const& where, std::vector<Param> const& params,
           std::string const& order_by) {
          return sql::QuerySecrets(conn, where, params, false, order_by);
        },
        &list_totals_);
  });
}

Result<bool> SqlStore::HasSealedValues() {
  return sql::ReadValue<bool>(*db_, [&](Connection& c) -> Result<bool> {
    auto r = c.Execute("SELECT EXISTS(SELECT 1 FROM secret_values)", {});
    if (!r) return tl::unexpected(r.error());
    return r->rows.at(0).Int(0) != 0;
  });
}

Result<void> SqlStore::UpdateSecret(SecretRecord const& s) {
  return Write([&](Connection& c) -> Result<void> {
    auto up = c.Execute("UPDATE secrets SET name = ?, shared = ?, updated = ? WHERE id = ?",
                        {s.name, sql::Param::Flag(s.shared), sql::Epoch(s.updated), s.id});
    if (!up) {
      return tl::unexpected(
          sql::WhenExists(up.error(), "a secret named '" + s.name + "' already exists"));
    }
    if (up->affected == 0) return tl::unexpected(sql::NotFound("secret", s.id));
    if (auto r = c.Execute("DELETE FROM secret_values WHERE secret_id = ?", {s.id}); !r) {
      return tl::unexpected(r.error());
    }
    return sql::InsertSecretValues(c, s);
  });
}

Result<void> SqlStore::DeleteSecret(std::string const& id) {
  return Write([&](Connection& c) -> Result<void> {
    // secret_values go with it (ON DELETE CASCADE).
    auto del = c.Execute("DELETE FROM secrets WHERE id = ? AND internal = 0", {id});
    if (!del) return tl::unexpected(del.error());
    if (del->affected == 0) return tl::unexpected(sql::NotFound("secret", id));
    return {};
  });
}

Result<size_t> SqlStore::ResealAll(Reseal const& reseal) {
  return sql::TransactValue<size_t>(*db_, [&](Connection& c) -> Result<size_t> {
    auto all = c.Execute("SELECT secret_id, key, key_id, sealed FROM secret_values");
    if (!all) return tl::unexpected(all.error());
    size_t count = 0;
    for (auto const& row : all->rows) {
      EncryptedValue value{row.Text(1), row.Text(2), row.Text(3)};
      auto fresh = reseal(row.Text(0), value);
      if (!fresh) return tl::unexpected(fresh.error());
      // Only the exact bytes read: a value another writer replaced meanwhile is theirs (and
      // was sealed by them), never overwritten by a re-seal of the old one.
      auto up = c.Execute(
          "UPDATE secret_values SET key_id = ?, sealed = ? "
          "WHERE secret_id = ? AND key = ? AND key_id = ? AND sealed = ?",
          {fresh->key_id, Param::Blob(fresh->sealed), row.Text(0), value.key, value.key_id,
           Param::Blob(value.sealed)});
      if (!up) return tl::unexpected(up.error());
      count += static_cast<size_t>(up->affected);
    }
    return count;
  });
}

}  // namespace latchkey
