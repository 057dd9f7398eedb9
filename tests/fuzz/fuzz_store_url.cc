// The store URL (--store / LATCHKEY_STORE_URL) and its redaction. The first byte picks the mode:
// a free-form URL, or one built around a known password (in the user-info or as a `password=`
// parameter) that RedactUrl and ScrubPassword must never let through.
#include <algorithm>

#include "fuzz_util.h"
#include "store/store_url.h"

namespace {

using latchkey::fuzz::SplitFields;

std::string Without(std::string text, std::string_view banned) {
  std::erase_if(text, [&](char c) { return banned.find(c) != std::string_view::npos; });
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  auto fields = SplitFields(data + 1, size - 1, 4);
  if (data[0] % 2 == 0) {
    std::string url = latchkey::fuzz::AsString(data + 1, size - 1);
    auto location = latchkey::ParseStoreUrl(url);
    if (location && location->kind == latchkey::StoreLocation::Kind::kSqlite) {
      FUZZ_CHECK(!location->target.empty(), url);
    }
    (void)latchkey::RedactUrl(url);
    (void)latchkey::ScrubPassword("cannot open " + url, url);
    return 0;
  }
  // A password no other part of the URL contains (the mask "***" has no letters).
  std::string password = "Pw" + Without(fields[3], ":@/?#& '\\%") + "Zq9";
  std::string user = Without(fields[0], ":@/?#");
  std::string host = Without(fields[1], "@/?#");
  std::string params = Without(fields[2], "#");
  for (std::string const& part : {user, host, params}) {
    if (part.find(password) != std::string::npos) return 0;
  }
  std::string url;
  if (data[0] % 4 == 1) {
    url = "postgresql://" + user + ":" + password + "@" + host + "/db?" + params;
  } else {
    url = "postgresql://" + user + "@" + host + "/db?" + params + "&password=" + password;
  }
  std::string redacted = latchkey::RedactUrl(url);
  FUZZ_CHECK(redacted.find(password) == std::string::npos, url + " -> " + redacted);
  std::string message = latchkey::ScrubPassword("connect to " + url + " failed", url);
  FUZZ_CHECK(message.find(password) == std::string::npos, url + " -> " + message);
  auto location = latchkey::ParseStoreUrl(url);
  FUZZ_CHECK(location && location->kind == latchkey::StoreLocation::Kind::kPostgres, url);
  return 0;
}
