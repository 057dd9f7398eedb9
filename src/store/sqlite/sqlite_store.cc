#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "store/sqlite/migrations.h"

namespace latchkey {
namespace {

using sqlite::Statement;

long long Epoch(TimePoint t) { return static_cast<long long>(t.time_since_epoch().count()); }
TimePoint FromEpoch(long long s) { return TimePoint(std::chrono::seconds(s)); }

std::optional<long long> OptEpoch(std::optional<TimePoint> t) {
  if (!t) return std::nullopt;
  return Epoch(*t);
}

template <class T>
std::optional<long long> OptLL(std::optional<T> v) {
  if (!v) return std::nullopt;
  return static_cast<long long>(*v);
}

constexpr char kConnectorColumns[] =
    "id, name, connector_type, auth_method, resource_types, resource_id, supports_instances, "
    "configuration, secret_id, labels, expiration_seconds, expires_at, expires_skew_tolerance, "
    "description, owner, created, updated";

Connector ReadConnector(Statement const& s) {
  Connector c;
  c.id = s.Text(0);
  c.name = s.Text(1);
  c.connector_type = s.Text(2);
  c.auth_method = s.Text(3);
  c.resource_types = nlohmann::json::parse(s.Text(4)).get<std::vector<std::string>>();
  c.resource_id = s.OptText(5);
  c.supports_instances = s.OptInt(6).value_or(0) != 0;
  c.configuration = nlohmann::json::parse(s.Text(7));
  c.secret_id = s.OptText(8);
  c.labels = nlohmann::json::parse(s.Text(9)).get<std::map<std::string, std::string>>();
  c.expiration_seconds = s.OptInt(10);
  if (auto e = s.OptInt(11)) c.expires_at = FromEpoch(*e);
  c.expires_skew_tolerance = s.OptInt(12);
  c.description = s.Text(13);
  c.owner = s.Text(14);
  c.created = FromEpoch(*s.OptInt(15));
  c.updated = FromEpoch(*s.OptInt(16));
  return c;
}

bool MatchesAfterLoad(Connector const& c, ConnectorFilter const& f) {
  if (f.resource_type && std::find(c.resource_types.begin(), c.resource_types.end(),
                                   *f.resource_type) == c.resource_types.end()) {
    return false;
  }
  for (auto const& [key, value] : f.labels) {
    auto it = c.labels.find(key);
    if (it == c.labels.end() || (value && it->second != *value)) return false;
  }
  return true;
}

Error NotFound(char const* what, std::string const& name_or_id) {
  return Error{ErrorCode::kNotFound, fmt::format("no {} named or with ID '{}'", what, name_or_id)};
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(std::string const& path) {
  auto db = sqlite::Database::Open(path);
  if (!db) return tl::unexpected(db.error());
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db)));
  if (auto r = store->Migrate(); !r) return tl::unexpected(r.error());
  return store;
}

Result<void> SqliteStore::Migrate() {
  auto migrations = sqlite::Migrations();
  // Fast path: most opens find the schema current and take no write lock.
  {
    Statement q(db_.handle(), "PRAGMA user_version");
    auto row = q.Step();
    if (row && *row && static_cast<size_t>(q.OptInt(0).value_or(0)) == migrations.size()) return {};
  }
  return sqlite::InTransaction(db_, [&]() -> Result<void> {
    Statement q(db_.handle(), "PRAGMA user_version");
    auto row = q.Step();
    if (!row) return tl::unexpected(row.error());
    size_t version = static_cast<size_t>(q.OptInt(0).value_or(0));
    if (version > migrations.size()) {
      return Fail(
          ErrorCode::kFailedPrecondition,
          "the database was written by a newer Latchkey (schema " + std::to_string(version) + ")");
    }
    for (size_t i = version; i < migrations.size(); ++i) {
      if (auto r = db_.Exec(migrations[i]); !r) return r;
    }
    std::string set = "PRAGMA user_version=" + std::to_string(migrations.size());
    return db_.Exec(set.c_str());
  });
}

Result<void> SqliteStore::InsertSecret(SecretRecord const& s) {
  Statement ins(db_.handle(),
                "INSERT INTO secrets(id, name, owner, internal, created, updated) "
                "VALUES(?,?,?,?,?,?)");
  ins.Bind(1, s.id).Bind(2, s.name).Bind(3, s.owner).Bind(4, OptLL<int>(s.internal ? 1 : 0));
  ins.Bind(5, OptEpoch(s.created)).Bind(6, OptEpoch(s.updated));
  if (auto r = ins.Step(); !r) {
    if (r.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists, "a secret named '" + s.name + "' already exists");
    }
    return tl::unexpected(r.error());
  }
  return InsertSecretValues(s);
}

Result<void> SqliteStore::InsertSecretValues(SecretRecord const& s) {
  for (auto const& v : s.values) {
    Statement val(db_.handle(),
                  "INSERT INTO secret_values(secret_id, key, key_id, sealed) VALUES(?,?,?,?)");
    val.Bind(1, s.id).Bind(2, v.key).Bind(3, v.key_id).BindBlob(4, v.sealed);
    if (auto r = val.Step(); !r) return tl::unexpected(r.error());
  }
  return {};
}

Result<void> SqliteStore::InsertConnectorRow(Connector const& c) {
  Statement ins(db_.handle(), fmt::format("INSERT INTO connectors({}) VALUES(?,?,?,?,?,?,?,?,?,?,"
                                          "?,?,?,?,?,?,?)",
                                          kConnectorColumns)
                                  .c_str());
  ins.Bind(1, c.id).Bind(2, c.name).Bind(3, c.connector_type).Bind(4, c.auth_method);
  ins.Bind(5, nlohmann::json(c.resource_types).dump()).Bind(6, c.resource_id);
  ins.Bind(7, OptLL<int>(c.supports_instances ? 1 : 0)).Bind(8, c.configuration.dump());
  ins.Bind(9, c.secret_id).Bind(10, nlohmann::json(c.labels).dump());
  ins.Bind(11, OptLL(c.expiration_seconds)).Bind(12, OptEpoch(c.expires_at));
  ins.Bind(13, OptLL(c.expires_skew_tolerance)).Bind(14, c.description).Bind(15, c.owner);
  ins.Bind(16, OptEpoch(c.created)).Bind(17, OptEpoch(c.updated));
  if (auto r = ins.Step(); !r) {
    if (r.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists,
                  "a service connector named '" + c.name + "' already exists");
    }
    return tl::unexpected(r.error());
  }
  return {};
}

Result<void> SqliteStore::CreateConnector(Connector const& c,
                                          std::optional<SecretRecord> const& secret) {
  return sqlite::InTransaction(db_, [&]() -> Result<void> {
    if (secret) {
      if (auto r = InsertSecret(*secret); !r) return r;
    }
    return InsertConnectorRow(c);
  });
}

Result<std::vector<Connector>> SqliteStore::QueryConnectors(std::string const& where,
                                                            std::vector<std::string> const& args) {
  std::string sql =
      fmt::format("SELECT {} FROM connectors {} ORDER BY created, name", kConnectorColumns, where);
  Statement q(db_.handle(), sql.c_str());
  for (size_t i = 0; i < args.size(); ++i) q.Bind(static_cast<int>(i + 1), args[i]);
  std::vector<Connector> out;
  while (true) {
    auto row = q.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(ReadConnector(q));
  }
  if (out.empty()) return out;
  // Secret key names (not values) so renderers can show `key: [HIDDEN]` rows.
  std::map<std::string, Connector*> by_secret;
  for (auto& c : out) {
    if (c.secret_id) by_secret[*c.secret_id] = &c;
  }
  std::string keys_sql = "SELECT secret_id, key FROM secret_values";
  if (out.size() == 1 && out[0].secret_id) keys_sql += " WHERE secret_id = ?1";
  Statement k(db_.handle(), keys_sql.c_str());
  if (out.size() == 1 && out[0].secret_id) k.Bind(1, *out[0].secret_id);
  while (true) {
    auto row = k.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto it = by_secret.find(k.Text(0));
    if (it != by_secret.end()) it->second->secrets[k.Text(1)] = "";
  }
  return out;
}

Result<Connector> SqliteStore::FindConnector(std::string const& name_or_id) {
  auto exact = QueryConnectors("WHERE id = ?1 OR name = ?1", {name_or_id});
  if (!exact) return tl::unexpected(exact.error());
  if (!exact->empty()) {
    for (auto& c : *exact) {
      if (c.id == name_or_id) return c;
    }
    return (*exact)[0];
  }
  auto prefix = QueryConnectors("WHERE id LIKE ?1 || '%'", {name_or_id});
  if (!prefix) return tl::unexpected(prefix.error());
  if (prefix->size() == 1) return (*prefix)[0];
  if (prefix->size() > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "ID prefix '" + name_or_id + "' matches several connectors; give more characters");
  }
  return tl::unexpected(NotFound("service connector", name_or_id));
}

Result<std::vector<Connector>> SqliteStore::ListConnectors(ConnectorFilter const& f) {
  std::vector<std::string> clauses, args;
  auto add = [&](char const* column, std::optional<std::string> const& v) {
    if (!v) return;
    args.push_back(*v);
    clauses.push_back(fmt::format("{} = ?{}", column, args.size()));
  };
  add("name", f.name);
  add("connector_type", f.connector_type);
  add("auth_method", f.auth_method);
  add("resource_id", f.resource_id);
  std::string where;
  for (size_t i = 0; i < clauses.size(); ++i) where += (i ? " AND " : "WHERE ") + clauses[i];
  auto rows = QueryConnectors(where, args);
  if (!rows) return rows;
  std::vector<Connector> out;
  for (auto& c : *rows) {
    if (MatchesAfterLoad(c, f)) out.push_back(std::move(c));
  }
  return out;
}

Result<void> SqliteStore::UpdateConnector(Connector const& c,
                                          std::optional<SecretRecord> const& secret) {
  return sqlite::InTransaction(db_, [&]() -> Result<void> {
    auto current = QueryConnectors("WHERE id = ?1", {c.id});
    if (!current) return tl::unexpected(current.error());
    if (current->empty()) return tl::unexpected(NotFound("service connector", c.id));
    Statement del(db_.handle(), "DELETE FROM connectors WHERE id = ?1");
    del.Bind(1, c.id);
    if (auto r = del.Step(); !r) return tl::unexpected(r.error());
    auto old_secret = (*current)[0].secret_id;
    if (secret) {
      if (auto r = InsertSecret(*secret); !r) return r;
    }
    if (auto r = InsertConnectorRow(c); !r) return r;
    if (secret && old_secret && *old_secret != secret->id) {
      Statement ds(db_.handle(), "DELETE FROM secrets WHERE id = ?1");
      ds.Bind(1, *old_secret);
      if (auto r = ds.Step(); !r) return tl::unexpected(r.error());
    }
    return {};
  });
}

Result<void> SqliteStore::DeleteConnector(std::string const& id) {
  return sqlite::InTransaction(db_, [&]() -> Result<void> {
    auto current = QueryConnectors("WHERE id = ?1", {id});
    if (!current) return tl::unexpected(current.error());
    if (current->empty()) return tl::unexpected(NotFound("service connector", id));
    Statement del(db_.handle(), "DELETE FROM connectors WHERE id = ?1");
    del.Bind(1, id);
    if (auto r = del.Step(); !r) return tl::unexpected(r.error());
    if (auto sid = (*current)[0].secret_id) {
      Statement ds(db_.handle(), "DELETE FROM secrets WHERE id = ?1");
      ds.Bind(1, *sid);
      if (auto r = ds.Step(); !r) return tl::unexpected(r.error());
    }
    return {};
  });
}

Result<void> SqliteStore::CreateSecret(SecretRecord const& s) {
  return sqlite::InTransaction(db_, [&] { return InsertSecret(s); });
}

Result<std::vector<SecretRecord>> SqliteStore::QuerySecrets(std::string const& where,
                                                            std::vector<std::string> const& args,
                                                            bool with_values) {
  std::string sql =
      "SELECT id, name, owner, internal, created, updated FROM secrets " + where + " ORDER BY name";
  Statement q(db_.handle(), sql.c_str());
  for (size_t i = 0; i < args.size(); ++i) q.Bind(static_cast<int>(i + 1), args[i]);
  std::vector<SecretRecord> out;
  while (true) {
    auto row = q.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    SecretRecord s;
    s.id = q.Text(0);
    s.name = q.Text(1);
    s.owner = q.Text(2);
    s.internal = q.OptInt(3).value_or(0) != 0;
    s.created = FromEpoch(*q.OptInt(4));
    s.updated = FromEpoch(*q.OptInt(5));
    out.push_back(std::move(s));
  }
  for (auto& s : out) {
    Statement v(db_.handle(),
                "SELECT key, key_id, sealed FROM secret_values WHERE secret_id = ?1 ORDER BY key");
    v.Bind(1, s.id);
    while (true) {
      auto row = v.Step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      s.values.push_back(
          EncryptedValue{v.Text(0), with_values ? v.Text(1) : "", with_values ? v.Blob(2) : ""});
    }
  }
  return out;
}

Result<SecretRecord> SqliteStore::GetSecretById(std::string const& id) {
  auto rows = QuerySecrets("WHERE id = ?1", {id}, true);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return tl::unexpected(NotFound("secret", id));
  return (*rows)[0];
}

Result<SecretRecord> SqliteStore::FindSecret(std::string const& name_or_id) {
  auto rows = QuerySecrets("WHERE internal = 0 AND (id = ?1 OR name = ?1)", {name_or_id}, true);
  if (!rows) return tl::unexpected(rows.error());
  if (!rows->empty()) return (*rows)[0];
  rows = QuerySecrets("WHERE internal = 0 AND id LIKE ?1 || '%'", {name_or_id}, true);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->size() == 1) return (*rows)[0];
  if (rows->size() > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "ID prefix '" + name_or_id + "' matches several secrets; give more characters");
  }
  return tl::unexpected(NotFound("secret", name_or_id));
}

Result<std::vector<SecretRecord>> SqliteStore::ListSecrets() {
  return QuerySecrets("WHERE internal = 0", {}, false);
}

Result<void> SqliteStore::UpdateSecret(SecretRecord const& s) {
  return sqlite::InTransaction(db_, [&]() -> Result<void> {
    Statement up(db_.handle(), "UPDATE secrets SET name = ?2, updated = ?3 WHERE id = ?1");
    up.Bind(1, s.id).Bind(2, s.name).Bind(3, OptEpoch(s.updated));
    if (auto r = up.Step(); !r) {
      if (r.error().code == ErrorCode::kAlreadyExists) {
        return Fail(ErrorCode::kAlreadyExists, "a secret named '" + s.name + "' already exists");
      }
      return tl::unexpected(r.error());
    }
    if (sqlite3_changes(db_.handle()) == 0) return tl::unexpected(NotFound("secret", s.id));
    Statement del(db_.handle(), "DELETE FROM secret_values WHERE secret_id = ?1");
    del.Bind(1, s.id);
    if (auto r = del.Step(); !r) return tl::unexpected(r.error());
    return InsertSecretValues(s);
  });
}

Result<void> SqliteStore::DeleteSecret(std::string const& id) {
  return sqlite::InTransaction(db_, [&]() -> Result<void> {
    Statement del(db_.handle(), "DELETE FROM secrets WHERE id = ?1 AND internal = 0");
    del.Bind(1, id);
    if (auto r = del.Step(); !r) return tl::unexpected(r.error());
    if (sqlite3_changes(db_.handle()) == 0) return tl::unexpected(NotFound("secret", id));
    return {};
  });
}

Result<size_t> SqliteStore::ResealAll(Reseal const& reseal) {
  size_t count = 0;
  auto r = sqlite::InTransaction(db_, [&]() -> Result<void> {
    std::vector<std::pair<std::string, EncryptedValue>> all;
    {
      Statement q(db_.handle(), "SELECT secret_id, key, key_id, sealed FROM secret_values");
      while (true) {
        auto row = q.Step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) break;
        all.push_back({q.Text(0), EncryptedValue{q.Text(1), q.Text(2), q.Blob(3)}});
      }
    }
    for (auto const& [secret_id, value] : all) {
      auto fresh = reseal(secret_id, value);
      if (!fresh) return tl::unexpected(fresh.error());
      Statement up(db_.handle(),
                   "UPDATE secret_values SET key_id = ?3, sealed = ?4 WHERE secret_id = ?1 AND "
                   "key = ?2");
      up.Bind(1, secret_id).Bind(2, value.key).Bind(3, fresh->key_id).BindBlob(4, fresh->sealed);
      if (auto s = up.Step(); !s) return tl::unexpected(s.error());
      ++count;
    }
    return {};
  });
  if (!r) return tl::unexpected(r.error());
  return count;
}

}  // namespace latchkey
