// Header values and URLs from peers: WWW-Authenticate challenges (registries), Retry-After
// (every provider), timestamps (STS Expiration, token expiries), and the URLs SigV4 signs with
// their query strings. The first byte picks the parser; timestamps and signing URLs must survive
// format -> parse unchanged.
#include "common/time_util.h"
#include "connectors/aws/canonical_request.h"
#include "connectors/aws/signing_url.h"
#include "connectors/docker/auth_challenge.h"
#include "fuzz_util.h"
#include "http/retry_policy.h"

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 8192) return 0;
  std::string text = latchkey::fuzz::AsString(data + 1, size - 1);
  latchkey::TimePoint now{std::chrono::seconds(1767225600)};
  switch (data[0] % 4) {
    case 0:
      for (auto const& challenge : latchkey::docker::ParseAuthChallenges(text)) {
        for (char c : challenge.scheme) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), challenge.scheme);
        for (auto const& [name, value] : challenge.params) {
          for (char c : name) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), name);
        }
      }
      break;
    case 1:
      if (auto delay = latchkey::ParseRetryAfter(text, now)) {
        FUZZ_CHECK(delay->count() >= 0, text);
      }
      break;
    case 2:
      if (auto t = latchkey::ParseTimestamp(text)) {
        std::string formatted = latchkey::FormatIso8601(*t);
        // Years past 9999 (a zone offset can get there) have no 4-digit form to read back.
        if (formatted.size() != 20) break;
        auto again = latchkey::ParseTimestamp(formatted);
        FUZZ_CHECK(again.has_value(), text + " -> " + formatted);
        FUZZ_CHECK(std::chrono::floor<std::chrono::seconds>(*again) ==
                       std::chrono::floor<std::chrono::seconds>(*t),
                   text + " -> " + formatted);
      }
      break;
    default:
      if (auto url = latchkey::aws::ParseSigningUrl(text)) {
        std::string built = latchkey::aws::BuildUrl(*url);
        auto again = latchkey::aws::ParseSigningUrl(built);
        FUZZ_CHECK(again.has_value(), built);
        FUZZ_CHECK(again->host == url->host && again->path == url->path &&
                       again->query == url->query && again->scheme == url->scheme,
                   text + " -> " + built);
        (void)latchkey::aws::ParseQuery(url->query);
      }
      (void)latchkey::aws::ParseQuery(text);
      break;
  }
  return 0;
}
