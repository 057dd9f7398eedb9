// List filters from the query string (`?name=contains:aws&label=team=t1&sort_by=desc:created`):
// a whole request target through ParseRequestTarget and ListQueryOf for each list's fields, and
// each field filter alone. A parsed filter written back with ToQueryValue parses to the same.
// Input: byte 0 picks the list (connectors, secrets, components, stacks, users, tokens).
#include "common/inert_text.h"
#include "fuzz_util.h"
#include "server/api/api_lists.h"
#include "server/http/request_target.h"
#include "store/list_query.h"

namespace {

std::span<latchkey::FieldSpec const> FieldsOf(int which) {
  switch (which % 6) {
    case 0:
      return latchkey::ConnectorFields();
    case 1:
      return latchkey::SecretFields();
    case 2:
      return latchkey::ComponentFields();
    case 3:
      return latchkey::StackFields();
    case 4:
      return latchkey::UserFields();
    default:
      return latchkey::TokenFields();
  }
}

void CheckFilter(std::span<latchkey::FieldSpec const> fields, std::string const& name,
                 std::string const& text) {
  auto filter = latchkey::ParseFieldFilter(fields, name, text);
  if (!filter) return;
  std::string written = latchkey::ToQueryValue(*filter);
  for (auto const& v : filter->values) {
    if (latchkey::HasUnsafeText(v)) return;  // invalid UTF-8 is replaced on the way out
  }
  auto again = latchkey::ParseFieldFilter(fields, name, written);
  FUZZ_CHECK(again.has_value(), name + "=" + text + " -> " + written);
  FUZZ_CHECK(again->op == filter->op && again->values == filter->values,
             name + "=" + text + " -> " + written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  auto fields = FieldsOf(data[0]);
  std::string input = latchkey::fuzz::AsString(data + 1, size - 1);
  auto target = latchkey::server::ParseRequestTarget("/api/v1/list?" + input);
  if (!target) return 0;
  latchkey::server::HttpRequest request;
  request.method = "GET";
  request.path = target->path;
  request.query = target->query;
  if (auto query = latchkey::api::ListQueryOf(request, fields)) {
    FUZZ_CHECK(query->page >= 1 && query->size >= 1 && query->size <= latchkey::kMaxPageSize,
               input);
  }
  for (auto const& [name, value] : target->query) {
    if (name == "label") {
      (void)latchkey::ParseLabelFilter(value);
    } else if (name == "sort_by") {
      (void)latchkey::ParseSortBy(fields, value);
    } else if (name == "logical_operator") {
      (void)latchkey::ParseLogicalOperator(value);
    } else if (name == "page" || name == "size") {
      (void)latchkey::ParsePageNumber(name, value, latchkey::kMaxPageSize);
    } else {
      CheckFilter(fields, name, value);
    }
  }
  return 0;
}
