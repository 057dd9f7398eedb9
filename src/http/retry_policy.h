// When and how long to wait before sending an idempotent request again: jittered exponential
// backoff, and a server's Retry-After honoured up to a cap. One policy for every provider call
// (libcurl's client retries GET and HEAD itself; AWS's signed calls use the same delays).
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "common/time_util.h"

namespace latchkey {

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{200};   // first retry after 100-300 ms, then doubling
  std::chrono::milliseconds max_delay{10000};  // also the cap on a server's Retry-After
};

// The answer statuses worth another try: throttled (429) or a gateway or service that may recover
// (502, 503, 504). 500 is not: it usually means the request itself broke the server.
bool RetryableStatus(long status);

// Retry-After as delta-seconds ("120") or an HTTP date, relative to `now`; nullopt when absent or
// unreadable. A date in the past is zero.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, TimePoint now);

// The wait before attempt `attempt` (1 = the first retry): the server's Retry-After when given,
// else base * 2^(attempt-1) with full jitter around it (from half to one and a half times);
// never more than max_delay.
std::chrono::milliseconds RetryDelay(RetryPolicy const& policy, int attempt,
                                     std::optional<std::chrono::milliseconds> retry_after,
                                     std::minstd_rand& jitter);

}  // namespace latchkey
