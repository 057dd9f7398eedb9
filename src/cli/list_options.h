// Upstream's list flags for `list` commands: one `--FIELD` per filter field taking the filter
// language's values ("contains:aws", "gt:2026-01-01 00:00:00", "oneof:[...]"), `--label k[=v]`
// (repeatable), `--logical_operator and|or`, `--sort_by [asc:|desc:]FIELD`, `--page`, `--size`.
// Values are read by the same parser the REST API uses (store/list_query.h).
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/list_query.h"

namespace latchkey::cli {

struct ListOptions {
  std::map<std::string, std::string> fields;  // by field name; empty: not given
  std::vector<std::string> labels;
  std::string logical_operator;
  std::string sort_by;
  // Neither given: every page is fetched in turn (each one a bounded query) and listed.
  std::optional<int64_t> page;
  std::optional<int64_t> size;
};

// `names`: the flag names of a field when it has more than `--FIELD` (older aliases), e.g.
// {"connector_type", "-t,--type,--connector_type"}. `with_labels` adds -l/--label.
void AddListOptions(CLI::App& command, ListOptions& options, std::span<FieldSpec const> fields,
                    std::map<std::string, std::string> const& names, bool with_labels);

// The flags as a ListQuery; `default_sort` orders when --sort_by is absent.
Result<ListQuery> ToListQuery(ListOptions const& options, std::span<FieldSpec const> fields,
                              std::string const& default_sort);

// One page as asked, or, without --page and --size, all pages concatenated.
template <class T, class Fetch>
Result<Page<T>> FetchPages(ListOptions const& options, ListQuery q, Fetch&& fetch) {
  if (options.page || options.size) return fetch(q);
  q.size = kMaxPageSize;
  Page<T> all;
  for (q.page = 1;; ++q.page) {
    Result<Page<T>> page = fetch(q);
    if (!page) return page;
    for (auto& item : page->items) all.items.push_back(std::move(item));
    all.total = page->total;
    if (q.page >= page->total_pages()) break;
  }
  all.max_size = std::max<int64_t>(1, static_cast<int64_t>(all.items.size()));
  return all;
}

// "Page 2 of 7 (341 service connectors); --page and --size choose another." when there is more
// than this page, otherwise "".
std::string PageFooter(int64_t index, int64_t total_pages, int64_t total, char const* noun);

}  // namespace latchkey::cli
