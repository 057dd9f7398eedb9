// The list routes' query language (store/list_query.h) read from a request, and the page model
// they answer with: {index, max_size, total_pages, total, items}, like upstream's Page.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "server/http/http_types.h"
#include "store/list_query.h"

namespace latchkey::api {

// Every query parameter must be a field of `fields`, label, logical_operator, sort_by, page,
// size or one of `route_parameters` (read by the route itself, e.g. tokens' `all`); anything
// else is refused (kInvalidArgument naming the parameters).
Result<ListQuery> ListQueryOf(server::HttpRequest const& request, std::span<FieldSpec const> fields,
                              std::initializer_list<std::string_view> route_parameters = {});

template <class T, class ToJsonFn>
nlohmann::json PageJson(Page<T> const& page, ToJsonFn&& to_json) {
  nlohmann::json items = nlohmann::json::array();
  for (auto const& item : page.items) items.push_back(to_json(item));
  return {{"index", page.index},
          {"max_size", page.max_size},
          {"total_pages", page.total_pages()},
          {"total", page.total},
          {"items", std::move(items)}};
}

}  // namespace latchkey::api
