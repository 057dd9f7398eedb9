// One list request as every list (connectors, secrets, components, stacks, users, tokens) takes
// it: field filters with upstream's operators, label filters, AND/OR, one sort field and a page.
// The parser here is the only place the filter language is read: the REST API parses query
// parameters with it and the CLI parses its flags with it; `ToQueryValue` writes a filter back
// as text for the remote client. The store turns a ListQuery into SQL (sql/sql_list_query.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace latchkey {

// Upstream's operators: "equals:", "contains:", "startswith:", "endswith:", "gt:", "gte:",
// "lt:", "lte:", "oneof:". The text operators match case-insensitively (upstream's LIKE on its
// SQLite and MySQL stores); equals and oneof are exact.
enum class FilterOp { kEquals, kContains, kStartsWith, kEndsWith, kGt, kGte, kLt, kLte, kOneOf };

// What a field holds decides the operators it takes and how its values are read.
enum class FieldKind {
  kText,  // every operator
  kId,    // equals, startswith, oneof (an ID or a prefix of one)
  kTime,  // equals, gt, gte, lt, lte; values are timestamps (stored as epoch seconds)
  kFlag,  // equals only; true/false
};

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
};

struct FieldFilter {
  std::string field;
  FilterOp op = FilterOp::kEquals;
  std::vector<std::string> values;  // one, or several for oneof; times as epoch-second text
};

struct LabelFilter {
  std::string key;
  std::optional<std::string> value;  // none: the key is present with any value
};

struct ListQuery {
  std::vector<FieldFilter> fields;
  std::vector<LabelFilter> labels;
  bool match_any = false;  // logical_operator=or: any filter may match (default: all must)
  std::string sort_field;  // empty: the list's default order
  bool descending = false;
  int64_t page = 1;   // 1-based
  int64_t size = 50;  // 1..kMaxPageSize
  // Not part of the language: what the caller may see, always ANDed (none: everything).
  std::optional<std::string> visible_to;
};

inline constexpr int64_t kDefaultPageSize = 50;
inline constexpr int64_t kMaxPageSize = 1000;

template <class T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;  // matching items over all pages
  int64_t index = 1;
  int64_t max_size = kDefaultPageSize;
  int64_t total_pages() const { return max_size > 0 ? (total + max_size - 1) / max_size : 0; }
};

// The fields each list filters and sorts on.
std::span<FieldSpec const> ConnectorFields();
std::span<FieldSpec const> SecretFields();
std::span<FieldSpec const> ComponentFields();
std::span<FieldSpec const> StackFields();
std::span<FieldSpec const> UserFields();
std::span<FieldSpec const> TokenFields();

// "contains:aws" for field `name` -> {name, kContains, {"aws"}}. A value without a known
// operator prefix is an equals filter on the whole text.
Result<FieldFilter> ParseFieldFilter(std::span<FieldSpec const> fields, std::string_view field,
                                     std::string_view text);
// "k" or "k=v".
Result<LabelFilter> ParseLabelFilter(std::string_view text);
// "and" | "or".
Result<bool> ParseLogicalOperator(std::string_view text);
// "[asc:|desc:]FIELD", and "-FIELD" as a synonym of "desc:FIELD".
Result<std::pair<std::string, bool>> ParseSortBy(std::span<FieldSpec const> fields,
                                                 std::string_view text);
// page >= 1, size 1..kMaxPageSize.
Result<int64_t> ParsePageNumber(std::string_view name, std::string_view text, int64_t max);

// The filter as a query value ParseFieldFilter reads back ("contains:aws").
std::string ToQueryValue(FieldFilter const& f);
std::string_view OpName(FilterOp op);

// Whether a query parameter name belongs to the list language for `fields` (the fields, label,
// logical_operator, sort_by, page, size).
bool IsListParameter(std::span<FieldSpec const> fields, std::string_view name);

}  // namespace latchkey
