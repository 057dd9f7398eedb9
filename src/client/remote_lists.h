// How the remote client speaks the list routes: a ListQuery (store/list_query.h) as query
// parameters, and the page model {index, max_size, total_pages, total, items} read back.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/json_fields.h"
#include "store/list_query.h"

namespace latchkey {

using QueryList = std::vector<std::pair<std::string, std::string>>;

// A ListQuery as the list routes read it back.
QueryList ListParams(ListQuery const& lq);

// A page answer, each item through `parse` (a Result<T>(json) function).
template <class T, class F>
Result<Page<T>> ParsePage(nlohmann::json const& j, F&& parse) {
  auto items = j.is_object() ? j.find("items") : j.end();
  if (items == j.end() || !items->is_array()) {
    return Fail(ErrorCode::kInternal, "the server's list page has no items");
  }
  Page<T> page;
  page.total = JsonInteger(j, "total", 0);
  page.index = JsonInteger(j, "index", 1);
  page.max_size = JsonInteger(j, "max_size", kDefaultPageSize);
  for (auto const& item : *items) {
    auto parsed = parse(item);
    if (!parsed) return tl::unexpected(parsed.error());
    page.items.push_back(std::move(*parsed));
  }
  return page;
}

}  // namespace latchkey
