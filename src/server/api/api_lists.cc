#include "server/api/api_lists.h"

#include <algorithm>
#include <set>

namespace latchkey::api {

Result<ListQuery> ListQueryOf(server::HttpRequest const& request, std::span<FieldSpec const> fields,
                              std::initializer_list<std::string_view> route_parameters) {
  auto is_route_parameter = [&](std::string const& name) {
    return std::find(route_parameters.begin(), route_parameters.end(), name) !=
           route_parameters.end();
  };
  std::set<std::string> unknown;
  for (auto const& [name, value] : request.query) {
    if (!IsListParameter(fields, name) && !is_route_parameter(name)) unknown.insert(name);
  }
  if (!unknown.empty()) {
    std::string names;
    // Names are shown quoted and cut short: they are the caller's text.
    for (auto const& n : unknown) {
      names += (names.empty() ? "'" : ", '") + n.substr(0, 64) + "'";
      if (names.size() > 512) break;
    }
    return Fail(ErrorCode::kInvalidArgument, "unknown query parameter(s): " + names);
  }
  ListQuery q;
  for (auto const& [name, value] : request.query) {
    if (is_route_parameter(name)) continue;
    if (name == "label") {
      auto label = ParseLabelFilter(value);
      if (!label) return tl::unexpected(label.error());
      q.labels.push_back(std::move(*label));
    } else if (name == "logical_operator") {
      auto any = ParseLogicalOperator(value);
      if (!any) return tl::unexpected(any.error());
      q.match_any = *any;
    } else if (name == "sort_by") {
      auto sort = ParseSortBy(fields, value);
      if (!sort) return tl::unexpected(sort.error());
      q.sort_field = sort->first;
      q.descending = sort->second;
    } else if (name == "page") {
      auto page = ParsePageNumber("page", value, int64_t{1} << 40);
      if (!page) return tl::unexpected(page.error());
      q.page = *page;
    } else if (name == "size") {
      auto size = ParsePageNumber("size", value, kMaxPageSize);
      if (!size) return tl::unexpected(size.error());
      q.size = *size;
    } else if (!value.empty()) {  // an empty filter value filters nothing (as before)
      auto f = ParseFieldFilter(fields, name, value);
      if (!f) return tl::unexpected(f.error());
      q.fields.push_back(std::move(*f));
    }
  }
  return q;
}

}  // namespace latchkey::api
