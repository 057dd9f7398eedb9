// The server's request-target parser (path and query string of every API call) and its percent
// decoder. A value encoded with UrlEncode and put in a query must decode to itself, whatever
// bytes it holds; a decoded path never keeps a raw '?' from the query.
#include "fuzz_util.h"
#include "http/url_encoding.h"
#include "server/http/request_target.h"

namespace server = latchkey::server;

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size > 8192) return 0;
  std::string input = latchkey::fuzz::AsString(data, size);
  if (auto target = server::ParseRequestTarget(input)) {
    FUZZ_CHECK(target->raw_path.find('?') == std::string::npos, input);
    for (auto const& [key, value] : target->query) {
      std::string again = "/x?" + latchkey::UrlEncode(key) + "=" + latchkey::UrlEncode(value);
      auto reparsed = server::ParseRequestTarget(again);
      FUZZ_CHECK(reparsed && reparsed->query.size() == 1, again);
      FUZZ_CHECK(reparsed->query[0].first == key && reparsed->query[0].second == value, again);
    }
  }
  (void)server::PercentDecode(input, true);
  auto plain = server::PercentDecode(latchkey::UrlEncode(input), false);
  FUZZ_CHECK(plain && *plain == input, latchkey::UrlEncode(input));
  auto slashes = server::PercentDecode(latchkey::UrlEncode(input, true), true);
  FUZZ_CHECK(slashes && *slashes == input, latchkey::UrlEncode(input, true));
  return 0;
}
