// SqlStore: connectors (with their own secret) and the version check of updates.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "store/sql/sql_list_query.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_internal.h"

namespace latchkey {
namespace {

using sql::Connection;
using sql::Param;
using sql::Row;

constexpr char kConnectorColumns[] =
    "id, name, connector_type, auth_method, resource_types, resource_id, supports_instances, "
    "configuration, secret_id, labels, expiration_seconds, expires_at, expires_skew_tolerance, "
    "description, owner, created, updated, shared, version";

// The `shared` column: 0 private, 1 shared for read and use, 2 shared for read only, 3 shared for
// use including long-lived secrets (Connector::share_secrets; no new column, so no migration,
// and a value older versions read as "shared for use").
constexpr int64_t kPrivate = 0;
constexpr int64_t kSharedForUse = 1;
constexpr int64_t kSharedReadOnly = 2;
constexpr int64_t kSharedWithSecrets = 3;

Param ShareColumn(Connector const& c) {
  if (!c.shared) return Param(kPrivate);
  if (c.shared_read_only) return Param(kSharedReadOnly);
  return Param(c.share_secrets ? kSharedWithSecrets : kSharedForUse);
}

// Throws nlohmann::json::exception on a corrupt JSON column; QueryConnectors catches it.
Connector ReadConnector(Row const& r) {
  Connector c;
  c.id = r.Text(0);
  c.name = r.Text(1);
  c.connector_type = r.Text(2);
  c.auth_method = r.Text(3);
  c.resource_types = nlohmann::json::parse(r.Text(4)).get<std::vector<std::string>>();
  c.resource_id = r.OptText(5);
  c.supports_instances = r.Flag(6);
  c.configuration = nlohmann::json::parse(r.Text(7));
  c.secret_id = r.OptText(8);
  c.labels = nlohmann::json::parse(r.Text(9)).get<std::map<std::string, std::string>>();
  c.expiration_seconds = r.OptInt(10);
  if (auto e = r.OptInt(11)) c.expires_at = sql::FromEpoch(*e);
  c.expires_skew_tolerance = r.OptInt(12);
  c.description = r.Text(13);
  c.owner = r.Text(14);
  c.created = sql::FromEpoch(r.Int(15));
  c.updated = sql::FromEpoch(r.Int(16));
  c.shared = r.Int(17) != kPrivate;
  c.shared_read_only = r.Int(17) == kSharedReadOnly;
  c.share_secrets = r.Int(17) == kSharedWithSecrets;
  c.version = r.Int(18);
  return c;
}

std::string AlreadyExists(Connector const& c) {
  return "a service connector named '" + c.name + "' already exists";
}

// `tail`: the ORDER BY and LIMIT of the select.
Result<std::vector<Connector>> QueryConnectors(Connection& conn, std::string const& where,
                                               std::vector<Param> const& params,
                                               std::string const& tail = "ORDER BY created, name") {
  auto rows = conn.Execute(
      fmt::format("SELECT {} FROM connectors {} {}", kConnectorColumns, where, tail), params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<Connector> out;
  for (auto const& row : rows->rows) {
    try {
      out.push_back(ReadConnector(row));
    } catch (nlohmann::json::exception const&) {
      return Fail(ErrorCode::kInternal, "stored connector '" + row.Text(1) + "' is corrupt");
    }
  }
  if (out.empty()) return out;
  // Secret key names (not values) so renderers can show `key: [HIDDEN]` rows.
  std::map<std::string, Connector*> by_secret;
  for (auto& c : out) {
    if (c.secret_id) by_secret[*c.secret_id] = &c;
  }
  if (by_secret.empty()) return out;
  // Only the secrets of the rows read, a bounded batch of IDs per statement.
  constexpr size_t kBatch = 200;
  auto next = by_secret.begin();
  while (next != by_secret.end()) {
    std::vector<Param> ids;
    std::string marks;
    for (; next != by_secret.end() && ids.size() < kBatch; ++next) {
      ids.emplace_back(next->first);
      marks += marks.empty() ? "?" : ",?";
    }
    auto keys = conn.Execute(
        fmt::format("SELECT secret_id, key FROM secret_values WHERE secret_id IN ({})", marks),
        ids);
    if (!keys) return tl::unexpected(keys.error());
    for (auto const& row : keys->rows) {
      auto it = by_secret.find(row.Text(0));
      if (it != by_secret.end()) it->second->secrets[row.Text(1)] = "";
    }
  }
  return out;
}

// Every column but id and version, in kConnectorColumns' order.
std::vector<Param> RowValues(Connector const& c) {
  return {c.name,
          c.connector_type,
          c.auth_method,
          nlohmann::json(c.resource_types).dump(),
          c.resource_id,
          Param::Flag(c.supports_instances),
          c.configuration.dump(),
          c.secret_id,
          nlohmann::json(c.labels).dump(),
          c.expiration_seconds,
          sql::OptEpoch(c.expires_at),
          c.expires_skew_tolerance,
          c.description,
          c.owner,
          sql::Epoch(c.created),
          sql::Epoch(c.updated),
          ShareColumn(c)};
}

// The label and resource-type rows that filters look up, replaced whole with the connector's.
Result<void> WriteSideRows(Connection& conn, Connector const& c, bool replace) {
  if (replace) {
    for (char const* table : {"connector_labels", "connector_resource_types"}) {
      auto r = conn.Execute(fmt::format("DELETE FROM {} WHERE connector_id = ?", table), {c.id});
      if (!r) return tl::unexpected(r.error());
    }
  }
  for (auto const& [key, value] : c.labels) {
    auto r = conn.Execute("INSERT INTO connector_labels(connector_id, key, value) VALUES(?,?,?)",
                          {c.id, key, value});
    if (!r) return tl::unexpected(r.error());
  }
  std::vector<std::string> types = c.resource_types;
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  for (auto const& type : types) {
    auto r = conn.Execute(
        "INSERT INTO connector_resource_types(connector_id, resource_type) VALUES(?,?)",
        {c.id, type});
    if (!r) return tl::unexpected(r.error());
  }
  return {};
}

constexpr sql::ColumnSpec kConnectorColumnSpecs[] = {
    {"name", "name", {}, false, "connector_name_trigrams"},
    {"connector_type", "connector_type"},
    {"auth_method", "auth_method"},
    {"resource_type", "resource_type",
     "SELECT connector_id FROM connector_resource_types WHERE {}"},
    {"resource_id", "resource_id"},
    {"user", "owner"},
    {"id", "id"},
    {"secret_id", "secret_id"},
    {"created", "created", {}, true},
    {"updated", "updated", {}, true},
    {"description", "description"},
};
constexpr char kConnectorLabels[] = "SELECT connector_id FROM connector_labels WHERE {}";
constexpr char kConnectorVisibility[] = "(owner = ? OR shared <> 0)";

}  // namespace

Result<sql::ListSql> sql::ConnectorListSql(Dialect dialect, ListQuery const& query) {
  return BuildListSql(dialect, query, kConnectorColumnSpecs, "name", "name, id",
                      kConnectorVisibility, kConnectorLabels);
}

Result<void> SqlStore::CreateConnector(Connector const& c,
                                       std::optional<SecretRecord> const& secret) {
  return Write([&](Connection& conn) -> Result<void> {
    if (secret) {
      if (auto r = sql::InsertSecret(conn, *secret); !r) return r;
    }
    std::vector<Param> values{c.id};
    for (auto& v : RowValues(c)) values.push_back(std::move(v));
    values.push_back(int64_t{1});  // the first version
    auto r = conn.Execute(
        fmt::format("INSERT INTO connectors({}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    kConnectorColumns),
        values);
    if (!r) return tl::unexpected(sql::WhenExists(r.error(), AlreadyExists(c)));
    return WriteSideRows(conn, c, false);
  });
}

Result<Connector> SqlStore::FindConnector(std::string const& name_or_id, NameScope const& scope) {
  return sql::ReadValue<Connector>(*db_, [&](Connection& conn) {
    return sql::FindByNameOrId<Connector>(
        [&](std::string const& cond, std::vector<Param> const& params) {
          return QueryConnectors(conn, "WHERE " + cond, params);
        },
        "service connector", name_or_id, scope);
  });
}

Result<std::vector<Connector>> SqlStore::ListConnectors(ConnectorFilter const& f) {
  ListQuery q;
  auto add = [&q](char const* field, std::optional<std::string> const& v) {
    if (v) q.fields.push_back(FieldFilter{field, FilterOp::kEquals, {*v}});
  };
  add("name", f.name);
  add("connector_type", f.connector_type);
  add("auth_method", f.auth_method);
  add("resource_type", f.resource_type);
  add("resource_id", f.resource_id);
  for (auto const& [key, value] : f.labels) q.labels.push_back(LabelFilter{key, value});
  q.visible_to = f.visible_to;
  q.sort_field = "created";
  auto built = sql::BuildListSql(db_->dialect(), q, kConnectorColumnSpecs, "created", "name, id",
                                 kConnectorVisibility, kConnectorLabels);
  if (!built) return tl::unexpected(built.error());
  return sql::ReadValue<std::vector<Connector>>(*db_, [&](Connection& conn) {
    return QueryConnectors(conn, built->where, built->params, built->order_by);
  });
}

Result<Page<Connector>> SqlStore::PageConnectors(ListQuery const& q) {
  auto built = sql::ConnectorListSql(db_->dialect(), q);
  if (!built) return tl::unexpected(built.error());
  return sql::ReadValue<Page<Connector>>(*db_, [&](Connection& conn) {
    return sql::ReadPage<Connector>(conn, "connectors", *built, q, QueryConnectors, &list_totals_);
  });
}

Result<void> SqlStore::UpdateConnector(Connector const& c,
                                       std::optional<SecretRecord> const& secret) {
  return Write([&](Connection& conn) -> Result<void> {
    auto current =
        conn.Execute("SELECT name, secret_id, version FROM connectors WHERE id = ?", {c.id});
    if (!current) return tl::unexpected(current.error());
    if (current->rows.empty()) return tl::unexpected(sql::NotFound("service connector", c.id));
    auto const& row = current->rows[0];
    auto conflict = [&] {
      return Fail(ErrorCode::kConflict,
                  fmt::format("connector '{}' was changed concurrently (expected version {}); "
                              "re-read it and retry",
                              row.Text(0), c.version));
    };
    if (row.Int(2) != c.version) return conflict();
    // The secret this row pointed to at the version we checked; the guarded UPDATE below
    // proves nothing changed it since.
    std::optional<std::string> old_secret = row.OptText(1);
    if (secret) {
      if (auto r = sql::InsertSecret(conn, *secret); !r) return r;
    }
    std::vector<Param> values = RowValues(c);
    values.emplace_back(c.id);
    values.emplace_back(c.version);
    // Atomic check-and-bump: of two writers that read the same version, only one matches.
    auto updated = conn.Execute(
        "UPDATE connectors SET name = ?, connector_type = ?, auth_method = ?, resource_types = ?, "
        "resource_id = ?, supports_instances = ?, configuration = ?, secret_id = ?, labels = ?, "
        "expiration_seconds = ?, expires_at = ?, expires_skew_tolerance = ?, description = ?, "
        "owner = ?, created = ?, updated = ?, shared = ?, version = version + 1 "
        "WHERE id = ? AND version = ?",
        values);
    if (!updated) return tl::unexpected(sql::WhenExists(updated.error(), AlreadyExists(c)));
    if (updated->affected == 0) {
      // Deleted meanwhile, or changed: a fresh statement tells which.
      auto still = conn.Execute("SELECT 1 FROM connectors WHERE id = ?", {c.id});
      if (!still) return tl::unexpected(still.error());
      if (still->rows.empty()) return tl::unexpected(sql::NotFound("service connector", c.id));
      return conflict();
    }
    if (auto r = WriteSideRows(conn, c, true); !r) return r;
    // The connector's own secret goes once nothing points at it any more.
    if (old_secret && old_secret != c.secret_id) {
      if (auto r = conn.Execute("DELETE FROM secrets WHERE id = ?", {*old_secret}); !r) {
        return tl::unexpected(r.error());
      }
    }
    return {};
  });
}

Result<void> SqlStore::DeleteConnector(std::string const& id) {
  return Write([&](Connection& conn) -> Result<void> {
    for (char const* table : {"connector_labels", "connector_resource_types"}) {
      auto r = conn.Execute(fmt::format("DELETE FROM {} WHERE connector_id = ?", table), {id});
      if (!r) return tl::unexpected(r.error());
    }
    // RETURNING names the secret of the row actually deleted, even if an update just replaced it.
    auto deleted = conn.Execute("DELETE FROM connectors WHERE id = ? RETURNING secret_id", {id});
    if (!deleted) return tl::unexpected(deleted.error());
    if (deleted->rows.empty()) return tl::unexpected(sql::NotFound("service connector", id));
    if (auto sid = deleted->rows[0].OptText(0)) {
      if (auto r = conn.Execute("DELETE FROM secrets WHERE id = ?", {*sid}); !r) {
        return tl::unexpected(r.error());
      }
    }
    return {};
  });
}

}  // namespace latchkey
