#include "store/list_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/time_util.h"

namespace latchkey {
namespace {

constexpr FieldSpec kConnectorFieldList[] = {
    {"name", FieldKind::kText},
    {"connector_type", FieldKind::kText},
    {"auth_method", FieldKind::kText},
    {"resource_type", FieldKind::kText},
    {"resource_id", FieldKind::kText},
    {"user", FieldKind::kText},
    {"id", FieldKind::kId},
    {"secret_id", FieldKind::kId},
    {"created", FieldKind::kTime},
    {"updated", FieldKind::kTime},
    {"description", FieldKind::kText},
};
constexpr FieldSpec kSecretFieldList[] = {
    {"name", FieldKind::kText},    {"user", FieldKind::kText},    {"id", FieldKind::kId},
    {"created", FieldKind::kTime}, {"updated", FieldKind::kTime},
};
constexpr FieldSpec kComponentFieldList[] = {
    {"name", FieldKind::kText},    {"flavor", FieldKind::kText},     {"user", FieldKind::kText},
    {"id", FieldKind::kId},        {"connector_id", FieldKind::kId}, {"created", FieldKind::kTime},
    {"updated", FieldKind::kTime},
};
constexpr FieldSpec kStackFieldList[] = {
    {"name", FieldKind::kText},    {"user", FieldKind::kText},    {"id", FieldKind::kId},
    {"created", FieldKind::kTime}, {"updated", FieldKind::kTime},
};
constexpr FieldSpec kUserFieldList[] = {
    {"name", FieldKind::kText},
    {"id", FieldKind::kId},
    {"active", FieldKind::kFlag},
    {"admin", FieldKind::kFlag},
    {"service_account", FieldKind::kFlag},
    {"created", FieldKind::kTime},
    {"updated", FieldKind::kTime},
};
constexpr FieldSpec kTokenFieldList[] = {
    {"name", FieldKind::kText},       {"id", FieldKind::kId},        {"user", FieldKind::kText},
    {"user_id", FieldKind::kId},      {"revoked", FieldKind::kFlag}, {"created", FieldKind::kTime},
    {"expires_at", FieldKind::kTime},
};

struct ListOpText {
  std::string_view prefix;
  FilterOp op;
};
constexpr ListOpText kListOps[] = {
    {"equals", FilterOp::kEquals},
    {"contains", FilterOp::kContains},
    {"startswith", FilterOp::kStartsWith},
    {"endswith", FilterOp::kEndsWith},
    {"gte", FilterOp::kGte},
    {"gt", FilterOp::kGt},
    {"lte", FilterOp::kLte},
    {"lt", FilterOp::kLt},
    {"oneof", FilterOp::kOneOf},
};

bool OpAllowedForKind(FieldKind kind, FilterOp op) {
  switch (kind) {
    case FieldKind::kText:
      return true;
    case FieldKind::kId:
      return op == FilterOp::kEquals || op == FilterOp::kStartsWith || op == FilterOp::kOneOf;
    case FieldKind::kTime:
      return op == FilterOp::kEquals || op == FilterOp::kGt || op == FilterOp::kGte ||
             op == FilterOp::kLt || op == FilterOp::kLte;
    case FieldKind::kFlag:
      return op == FilterOp::kEquals;
  }
  return false;
}

FieldSpec const* FindListField(std::span<FieldSpec const> fields, std::string_view name) {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [name](FieldSpec const& f) { return f.name == name; });
  return it == fields.end() ? nullptr : &*it;
}

std::string ListFieldNames(std::span<FieldSpec const> fields) {
  std::string out;
  for (auto const& f : fields) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

// "oneof:" takes a JSON list of strings (upstream's form) or comma-separated values.
Result<std::vector<std::string>> ParseOneOfValues(std::string_view field, std::string_view text) {
  std::vector<std::string> out;
  if (!text.empty() && text.front() == '[') {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}': 'oneof:' takes a JSON list of strings", field));
    }
    for (auto const& v : j) {
      if (!v.is_string()) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("'{}': 'oneof:' takes a JSON list of strings", field));
      }
      out.push_back(v.get<std::string>());
    }
  } else {
    size_t start = 0;
    while (true) {
      size_t comma = text.find(',', start);
      out.emplace_back(
          text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (out.empty()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}': 'oneof:' needs a value", field));
  }
  return out;
}

// Timestamps are compared as epoch seconds: digits are taken as such, anything else goes
// through ParseTimestamp.
Result<std::string> ListEpochText(std::string_view field, std::string const& text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
    return std::to_string(n);
  }
  auto t = ParseTimestamp(text);
  if (!t) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' must be a timestamp (YYYY-MM-DD HH:MM:SS)", field));
  }
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count());
}

}  // namespace

std::span<FieldSpec const> ConnectorFields() { return kConnectorFieldList; }
std::span<FieldSpec const> SecretFields() { return kSecretFieldList; }
std::span<FieldSpec const> ComponentFields() { return kComponentFieldList; }
std::span<FieldSpec const> StackFields() { return kStackFieldList; }
std::span<FieldSpec const> UserFields() { return kUserFieldList; }
std::span<FieldSpec const> TokenFields() { return kTokenFieldList; }

std::string_view OpName(FilterOp op) {
  for (auto const& o : kListOps) {
    if (o.op == op) return o.prefix;
  }
  return "equals";
}

Result<FieldFilter> ParseFieldFilter(std::span<FieldSpec const> fields, std::string_view field,
                                     std::string_view text) {
  FieldSpec const* spec = FindListField(fields, field);
  if (!spec) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("unknown filter '{}' (one of: {})", field, ListFieldNames(fields)));
  }
  FieldFilter out{std::string(field), FilterOp::kEquals, {}};
  std::string_view value = text;
  // Only a known operator name before the first ':' is an operator: "a:b" is a plain value.
  if (auto colon = text.find(':'); colon != std::string_view::npos) {
    std::string_view head = text.substr(0, colon);
    for (auto const& o : kListOps) {
      if (head == o.prefix) {
        out.op = o.op;
        value = text.substr(colon + 1);
        break;
      }
    }
  }
  if (!OpAllowedForKind(spec->kind, out.op)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' does not take the '{}:' operator", field, OpName(out.op)));
  }
  if (out.op == FilterOp::kOneOf) {
    auto values = ParseOneOfValues(field, value);
    if (!values) return tl::unexpected(values.error());
    out.values = std::move(*values);
  } else {
    out.values.emplace_back(value);
  }
  for (auto& v : out.values) {
    if (spec->kind == FieldKind::kTime) {
      auto epoch = ListEpochText(field, v);
      if (!epoch) return tl::unexpected(epoch.error());
      v = *epoch;
    } else if (spec->kind == FieldKind::kFlag) {
      if (v != "true" && v != "false") {
        return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' must be true or false", field));
      }
    }
  }
  return out;
}

Result<LabelFilter> ParseLabelFilter(std::string_view text) {
  auto eq = text.find('=');
  if (text.empty() || eq == 0) {
    return Fail(ErrorCode::kInvalidArgument, "'label' must be KEY or KEY=VALUE");
  }
  if (eq == std::string_view::npos) return LabelFilter{std::string(text), std::nullopt};
  return LabelFilter{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<bool> ParseLogicalOperator(std::string_view text) {
  if (text == "and") return false;
  if (text == "or") return true;
  return Fail(ErrorCode::kInvalidArgument, "'logical_operator' must be and or or");
}

Result<std::pair<std::string, bool>> ParseSortBy(std::span<FieldSpec const> fields,
                                                 std::string_view text) {
  bool descending = false;
  if (text.starts_with("desc:")) {
    descending = true;
    text.remove_prefix(5);
  } else if (text.starts_with("asc:")) {
    text.remove_prefix(4);
  } else if (text.starts_with("-")) {
    descending = true;
    text.remove_prefix(1);
  }
  // resource_type is a set per item: it filters but does not order.
  FieldSpec const* spec = FindListField(fields, text);
  if (!spec || text == "resource_type") {
    std::string names;
    for (auto const& f : fields) {
      if (f.name != "resource_type") names += (names.empty() ? "" : ", ") + std::string(f.name);
    }
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'sort_by' must be [asc:|desc:]FIELD with FIELD one of: {}", names));
  }
  return std::pair<std::string, bool>{std::string(text), descending};
}

Result<int64_t> ParsePageNumber(std::string_view name, std::string_view text, int64_t max) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' must be a whole number from 1 to {}", name, max));
  }
  return n;
}

std::string ToQueryValue(FieldFilter const& f) {
  if (f.op == FilterOp::kOneOf) {
    // dump() throws on invalid UTF-8; such bytes become U+FFFD.
    return "oneof:" +
           nlohmann::json(f.values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string value = f.values.empty() ? "" : f.values.front();
  return std::string(OpName(f.op)) + ":" + value;
}

bool IsListParameter(std::span<FieldSpec const> fields, std::string_view name) {
  return FindListField(fields, name) || name == "label" || name == "logical_operator" ||
         name == "sort_by" || name == "page" || name == "size";
}

}  // namespace latchkey
