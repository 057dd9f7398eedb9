#include "http/retry_policy.h"

#include <algorithm>
#include <ctime>
#include <string>

#include "common/strings.h"

namespace latchkey {

bool RetryableStatus(long status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view text, TimePoint now) {
  std::string value = Trim(text);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    if (value.size() > 9) return std::chrono::milliseconds::max();  // absurd: the cap applies
    return std::chrono::seconds(std::stol(value));
  }
  // IMF-fixdate, the only form RFC 9110 lets a sender generate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  char const* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  // In seconds, not through Clock::from_time_t, whose nanoseconds overflow for far years; a
  // date more than a day away is absurd and capped like a huge number of seconds.
  auto seconds = TimePoint(std::chrono::seconds(timegm(&tm))) - now;
  if (seconds > std::chrono::hours(24)) return std::chrono::milliseconds::max();
  return seconds.count() < 0 ? std::chrono::milliseconds(0)
                             : std::chrono::duration_cast<std::chrono::milliseconds>(seconds);
}

std::chrono::milliseconds RetryDelay(RetryPolicy const& policy, int attempt,
                                     std::optional<std::chrono::milliseconds> retry_after,
                                     std::minstd_rand& jitter) {
  if (retry_after) return std::min(*retry_after, policy.max_delay);
  int shift = std::clamp(attempt - 1, 0, 16);
  auto base = std::min(policy.base_delay * (int64_t{1} << shift), policy.max_delay);
  int64_t span = std::max<int64_t>(1, base.count());
  auto delay = base / 2 + std::chrono::milliseconds(static_cast<int64_t>(jitter() % span));
  return std::min(delay, policy.max_delay);
}

}  // namespace latchkey
