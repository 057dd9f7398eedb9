// SqlStore: stack components, stacks and each user's active stack.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "store/sql/sql_list_query.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_store_internal.h"

namespace latchkey {
namespace {

using sql::Connection;
using sql::Param;
using sql::Row;

constexpr char kComponentColumns[] =
    "id, name, component_type, flavor, configuration, connector_id, connector_resource_id, owner, "
    "created, updated";

// Throws nlohmann::json::exception on a corrupt configuration column; callers catch it.
Result<StackComponent> ReadComponent(Row const& r, size_t first = 0) {
  StackComponent c;
  c.id = r.Text(first + 0);
  c.name = r.Text(first + 1);
  auto type = ParseComponentType(r.Text(first + 2));
  if (!type) return tl::unexpected(type.error());
  c.type = *type;
  c.flavor = r.Text(first + 3);
  c.configuration =
      nlohmann::json::parse(r.Text(first + 4)).get<std::map<std::string, std::string>>();
  c.connector_id = r.OptText(first + 5);
  c.connector_resource_id = r.OptText(first + 6);
  c.owner = r.Text(first + 7);
  c.created = sql::FromEpoch(r.Int(first + 8));
  c.updated = sql::FromEpoch(r.Int(first + 9));
  return c;
}

Result<std::vector<StackComponent>> QueryComponents(
    Connection& conn, std::string const& where, std::vector<Param> const& params,
    std::string const& order_by = "ORDER BY component_type, name") {
  auto rows = conn.Execute(
      fmt::format("SELECT {} FROM stack_components {} {}", kComponentColumns, where, order_by),
      params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<StackComponent> out;
  try {
    for (auto const& row : rows->rows) {
      auto c = ReadComponent(row);
      if (!c) return tl::unexpected(c.error());
      out.push_back(std::move(*c));
    }
  } catch (nlohmann::json::exception const&) {
    return Fail(ErrorCode::kInternal, "a stored stack component's configuration is corrupt");
  }
  return out;
}

constexpr sql::ColumnSpec kComponentColumnSpecs[] = {
    {"name", "name"},
    {"flavor", "flavor"},
    {"user", "owner"},
    {"id", "id"},
    {"connector_id", "connector_id"},
    {"created", "created", {}, true},
    {"updated", "updated", {}, true},
};

constexpr sql::ColumnSpec kStackColumnSpecs[] = {
    {"name", "name"},
    {"user", "owner"},
    {"id", "id"},
    {"created", "created", {}, true},
    {"updated", "updated", {}, true},
};

std::string ComponentExists(StackComponent const& c) {
  return fmt::format("{} named '{}' already exists", ComponentTypeWithArticle(c.type), c.name);
}

Result<std::vector<Stack>> QueryStacks(Connection& conn, std::string const& where,
                                       std::vector<Param> const& params,
                                       std::string const& order_by = "ORDER BY name") {
  auto rows = conn.Execute(
      "SELECT id, name, owner, created, updated FROM stacks " + where + " " + order_by, params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<Stack> out;
  for (auto const& row : rows->rows) {
    Stack s;
    s.id = row.Text(0);
    s.name = row.Text(1);
    s.owner = row.Text(2);
    s.created = sql::FromEpoch(row.Int(3));
    s.updated = sql::FromEpoch(row.Int(4));
    out.push_back(std::move(s));
  }
  for (auto& s : out) {
    auto members = QueryComponents(
        conn, "WHERE id IN (SELECT component_id FROM stack_members WHERE stack_id = ?)", {s.id});
    if (!members) return tl::unexpected(members.error());
    for (auto& c : *members) s.components[c.type] = std::move(c);
  }
  return out;
}

}  // namespace

Result<void> SqlStore::CreateComponent(StackComponent const& c) {
  return Write([&](Connection& conn) -> Result<void> {
    auto r = conn.Execute(
        fmt::format("INSERT INTO stack_components({}) VALUES(?,?,?,?,?,?,?,?,?,?)",
                    kComponentColumns),
        {c.id, c.name, ComponentTypeName(c.type), c.flavor, nlohmann::json(c.configuration).dump(),
         c.connector_id, c.connector_resource_id, c.owner, sql::Epoch(c.created),
         sql::Epoch(c.updated)});
    if (!r) return tl::unexpected(sql::WhenExists(r.error(), ComponentExists(c)));
    return {};
  });
}

Result<StackComponent> SqlStore::FindComponent(ComponentType type, std::string const& name_or_id,
                                               NameScope const& scope) {
  std::string what = ComponentTypeTitle(type);
  return sql::ReadValue<StackComponent>(*db_, [&](Connection& conn) {
    return sql::FindByNameOrId<StackComponent>(
        [&](std::string const& cond, std::vector<Param> params) {
          params.insert(params.begin(), Param(ComponentTypeName(type)));
          return QueryComponents(conn, "WHERE component_type = ? AND (" + cond + ")", params);
        },
        what.c_str(), name_or_id, scope);
  });
}

Result<std::vector<StackComponent>> SqlStore::ListComponents(ComponentFilter const& filter) {
  std::vector<std::string> conds;
  std::vector<Param> params;
  if (filter.type) {
    conds.push_back("component_type = ?");
    params.emplace_back(ComponentTypeName(*filter.type));
  }
  if (filter.connector_id) {
    conds.push_back("connector_id = ?");
    params.emplace_back(*filter.connector_id);
  }
  if (filter.visible_to) {
    conds.push_back("owner = ?");
    params.emplace_back(*filter.visible_to);
  }
  std::string where = conds.empty() ? "" : "WHERE " + Join(conds, " AND ");
  return sql::ReadValue<std::vector<StackComponent>>(
      *db_, [&](Connection& conn) { return QueryComponents(conn, where, params); });
}

Result<Page<StackComponent>> SqlStore::PageComponents(ComponentType type, ListQuery const& q) {
  auto built =
      sql::BuildListSql(db_->dialect(), q, kComponentColumnSpecs, "name", "name, id", "owner = ?");
  if (!built) return tl::unexpected(built.error());
  sql::ScopeListSql(*built, "component_type = ?", {Param(ComponentTypeName(type))});
  return sql::ReadValue<Page<StackComponent>>(*db_, [&](Connection& conn) {
    return sql::ReadPage<StackComponent>(
        conn, "stack_components", *built, q,
        [](Connection& c, std::string const& where, std::vector<Param> const& params,
           std::string const& order_by) { return QueryComponents(c, where, params, order_by); },
        &list_totals_);
  });
}

Result<void> SqlStore::UpdateComponent(StackComponent const& c) {
  return Write([&](Connection& conn) -> Result<void> {
    auto r = conn.Execute(
        "UPDATE stack_components SET name = ?, flavor = ?, configuration = ?, connector_id = ?, "
        "connector_resource_id = ?, updated = ? WHERE id = ?",
        {c.name, c.flavor, nlohmann::json(c.configuration).dump(), c.connector_id,
         c.connector_resource_id, sql::Epoch(c.updated), c.id});
    if (!r) return tl::unexpected(sql::WhenExists(r.error(), ComponentExists(c)));
    if (r->affected == 0) {
      return tl::unexpected(sql::NotFound(ComponentTypeTitle(c.type).c_str(), c.id));
    }
    return {};
  });
}

Result<void> SqlStore::DeleteComponent(std::string const& id) {
  return Write([&](Connection& conn) -> Result<void> {
    auto stacks = conn.Execute(
        "SELECT s.name FROM stacks s JOIN stack_members m ON m.stack_id = s.id "
        "WHERE m.component_id = ? ORDER BY s.name",
        {id});
    if (!stacks) return tl::unexpected(stacks.error());
    if (!stacks->rows.empty()) {
      std::vector<std::string> names;
      for (auto const& row : stacks->rows) names.push_back("'" + row.Text(0) + "'");
      return Fail(
          ErrorCode::kFailedPrecondition,
          "the component is part of stack(s) " + Join(names, ", ") + "; delete those stacks first");
    }
    auto r = conn.Execute("DELETE FROM stack_components WHERE id = ?", {id});
    if (!r) return tl::unexpected(r.error());
    if (r->affected == 0) return tl::unexpected(sql::NotFound("stack component", id));
    return {};
  });
}

namespace {

Result<void> InsertStackMembers(Connection& conn, Stack const& s) {
  for (auto const& [type, c] : s.components) {
    auto m = conn.Execute(
        "INSERT INTO stack_members(stack_id, component_type, component_id) VALUES(?,?,?)",
        {s.id, ComponentTypeName(type), c.id});
    if (!m) return tl::unexpected(m.error());
  }
  return {};
}

}  // namespace

Result<void> SqlStore::CreateStack(Stack const& s) {
  return Write([&](Connection& conn) -> Result<void> {
    auto r = conn.Execute("INSERT INTO stacks(id, name, owner, created, updated) VALUES(?,?,?,?,?)",
                          {s.id, s.name, s.owner, sql::Epoch(s.created), sql::Epoch(s.updated)});
    if (!r) {
      return tl::unexpected(
          sql::WhenExists(r.error(), "a stack named '" + s.name + "' already exists"));
    }
    return InsertStackMembers(conn, s);
  });
}

Result<void> SqlStore::UpdateStack(Stack const& s) {
  return Write([&](Connection& conn) -> Result<void> {
    auto r =
        conn.Execute("UPDATE stacks SET updated = ? WHERE id = ?", {sql::Epoch(s.updated), s.id});
    if (!r) return tl::unexpected(r.error());
    if (r->affected == 0) return tl::unexpected(sql::NotFound("stack", s.id));
    auto d = conn.Execute("DELETE FROM stack_members WHERE stack_id = ?", {s.id});
    if (!d) return tl::unexpected(d.error());
    return InsertStackMembers(conn, s);
  });
}

Result<Stack> SqlStore::FindStack(std::string const& name_or_id, NameScope const& scope) {
  return sql::ReadValue<Stack>(*db_, [&](Connection& conn) {
    return sql::FindByNameOrId<Stack>(
        [&](std::string const& cond, std::vector<Param> params) {
          return QueryStacks(conn, "WHERE " + cond, params);
        },
        "stack", name_or_id, scope);
  });
}

Result<Page<Stack>> SqlStore::PageStacks(ListQuery const& q) {
  auto built =
      sql::BuildListSql(db_->dialect(), q, kStackColumnSpecs, "name", "name, id", "owner = ?");
  if (!built) return tl::unexpected(built.error());
  return sql::ReadValue<Page<Stack>>(*db_, [&](Connection& conn) {
    return sql::ReadPage<Stack>(conn, "stacks", *built, q, QueryStacks, &list_totals_);
  });
}

Result<void> SqlStore::DeleteStack(std::string const& id) {
  return Write([&](Connection& conn) -> Result<void> {
    auto r = conn.Execute("DELETE FROM stacks WHERE id = ?", {id});
    if (!r) return tl::unexpected(r.error());
    if (r->affected == 0) return tl::unexpected(sql::NotFound("stack", id));
    return {};
  });
}

Result<void> SqlStore::SetActiveStack(std::string const& owner, std::string const& stack_id) {
  return Write([&](Connection& conn) -> Result<void> {
    auto r = conn.Execute(
        "INSERT INTO active_stacks(owner, stack_id) VALUES(?,?) "
        "ON CONFLICT (owner) DO UPDATE SET stack_id = excluded.stack_id",
        {owner, stack_id});
    if (!r) return tl::unexpected(r.error());
    return {};
  });
}

Result<std::optional<std::string>> SqlStore::ActiveStackId(std::string const& owner) {
  return sql::ReadOneValue<std::optional<std::string>>(
      *db_, [&](Connection& conn) -> Result<std::optional<std::string>> {
        auto r = conn.Execute("SELECT stack_id FROM active_stacks WHERE owner = ?", {owner});
        if (!r) return tl::unexpected(r.error());
        if (r->rows.empty()) return std::optional<std::string>{};
        return std::optional<std::string>(r->rows[0].Text(0));
      });
}

}  // namespace latchkey
