#include "cli/list_options.h"

#include <fmt/format.h>

namespace latchkey::cli {

void AddListOptions(CLI::App& command, ListOptions& options, std::span<FieldSpec const> fields,
                    std::map<std::string, std::string> const& names, bool with_labels) {
  for (auto const& f : fields) {
    std::string field(f.name);
    auto it = names.find(field);
    std::string flag = it != names.end() ? it->second : "--" + field;
    std::string help = f.kind == FieldKind::kTime
                           ? "Filter by " + field + " ([gt:|gte:|lt:|lte:]YYYY-MM-DD HH:MM:SS)"
                           : "Filter by " + field +
                                 " (operators equals:, contains:, "
                                 "startswith:, endswith:, oneof:, ...)";
    command.add_option(flag, options.fields[field], help);
  }
  if (with_labels) command.add_option("-l,--label", options.labels, "Label k or k=v (repeatable)");
  command.add_option("--logical_operator", options.logical_operator,
                     "and (every filter matches, the default) or or (any filter matches)");
  command.add_option("--sort_by", options.sort_by, "[asc:|desc:]FIELD");
  command.add_option("--page", options.page, "Page number (from 1; default: every page)");
  command.add_option("--size", options.size,
                     fmt::format("Page size (1..{}, default {})", kMaxPageSize, kDefaultPageSize));
}

Result<ListQuery> ToListQuery(ListOptions const& options, std::span<FieldSpec const> fields,
                              std::string const& default_sort) {
  ListQuery q;
  for (auto const& [field, text] : options.fields) {
    if (text.empty()) continue;
    auto f = ParseFieldFilter(fields, field, text);
    if (!f) return tl::unexpected(f.error());
    q.fields.push_back(std::move(*f));
  }
  for (auto const& label : options.labels) {
    auto l = ParseLabelFilter(label);
    if (!l) return tl::unexpected(l.error());
    q.labels.push_back(std::move(*l));
  }
  if (!options.logical_operator.empty()) {
    auto any = ParseLogicalOperator(options.logical_operator);
    if (!any) return tl::unexpected(any.error());
    q.match_any = *any;
  }
  auto sort = ParseSortBy(fields, options.sort_by.empty() ? default_sort : options.sort_by);
  if (!sort) return tl::unexpected(sort.error());
  q.sort_field = sort->first;
  q.descending = sort->second;
  q.page = options.page.value_or(1);
  q.size = options.size.value_or(kDefaultPageSize);
  if (q.page < 1) return Fail(ErrorCode::kInvalidArgument, "--page must be 1 or more");
  if (q.size < 1 || q.size > kMaxPageSize) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--size must be from 1 to {}", kMaxPageSize));
  }
  return q;
}

std::string PageFooter(int64_t index, int64_t total_pages, int64_t total, char const* noun) {
  if (total_pages <= 1 && index <= 1) return "";
  return fmt::format("Page {} of {} ({} {}); --page and --size choose another.\n", index,
                     total_pages, total, noun);
}

}  // namespace latchkey::cli
