// Wall-clock helpers. Logic takes `TimePoint now` as an argument; only the edges call Now().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::seconds>;

TimePoint Now();

// ISO-8601 UTC with a trailing Z: "2026-11-23T11:44:53Z".
std::string FormatIso8601(TimePoint t);

// As upstream's tables show times, in UTC without a zone: "2023-06-15 18:45:17". For people
// only; anything a program reads (JSON, YAML, protocol documents) keeps FormatIso8601.
std::string FormatDisplayTime(TimePoint t);

// Accepts "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS[.frac][Z|+hh:mm]" (upstream's --expires-at
// forms); a value without a zone is UTC.
Result<TimePoint> ParseTimestamp(std::string const& text);

// 9999-12-31T23:59:59Z: the latest time FormatIso8601 writes with a four-digit year.
inline constexpr std::chrono::seconds kLatestTimestamp{253402300799};
// Seconds from a number a peer sent (JSON numbers may be fractional, negative, huge or NaN),
// clamped to [0, max]: converting an out-of-range double is undefined, and `now + seconds` must
// not overflow.
std::chrono::seconds ClampedSeconds(double value, std::chrono::seconds max);
// "11h59m56s", "3d4h0m0s", "45s".
std::string FormatDuration(std::chrono::seconds d);

}  // namespace latchkey
