#include "common/time_util.h"

#include <fmt/format.h>

#include <cstdio>
#include <ctime>

namespace latchkey {

TimePoint Now() { return std::chrono::time_point_cast<std::chrono::seconds>(Clock::now()); }

namespace {

std::string FormatUtc(TimePoint t, char const* format) {
  // Not Clock::to_time_t: it passes through the clock's nanoseconds, which overflow beyond 2262.
  std::time_t tt = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

std::string FormatIso8601(TimePoint t) { return FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string FormatDisplayTime(TimePoint t) { return FormatUtc(t, "%Y-%m-%d %H:%M:%S"); }

Result<TimePoint> ParseTimestamp(std::string const& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  char sep = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s,
                  &consumed) != 7 ||
      (sep != ' ' && sep != 'T')) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid timestamp '" + text + "': expected YYYY-MM-DD HH:MM:SS (UTC)");
  }
  std::string rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest[0] == '.') {  // fractional seconds are dropped
    size_t i = 1;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
    rest = rest.substr(i);
  }
  long offset = 0;
  if (rest == "Z" || rest == "z" || rest.empty()) {
    offset = 0;
  } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() == 6 && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) != 2) {
      return Fail(ErrorCode::kInvalidArgument, "invalid timezone in timestamp '" + text + "'");
    }
    offset = (oh * 3600L + om * 60L) * (rest[0] == '+' ? 1 : -1);
  } else {
    return Fail(ErrorCode::kInvalidArgument, "invalid timestamp '" + text + "'");
  }
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      s < 0 || s > 60) {
    return Fail(ErrorCode::kInvalidArgument, "invalid timestamp '" + text + "'");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t tt = timegm(&tm);
  // Seconds all the way: Clock::from_time_t counts nanoseconds, which overflow for years far
  // from 1970 (a year such as 0000 or 9999 is valid input).
  return TimePoint(std::chrono::seconds(tt)) - std::chrono::seconds(offset);
}

std::chrono::seconds ClampedSeconds(double value, std::chrono::seconds max) {
  if (!(value > 0)) return std::chrono::seconds(0);  // NaN too
  if (value >= static_cast<double>(max.count())) return max;
  return std::chrono::seconds(static_cast<int64_t>(value));
}

std::string FormatDuration(std::chrono::seconds d) {
  long total = static_cast<long>(d.count());
  if (total < 0) total = 0;
  long days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60,
       seconds = total % 60;
  if (days > 0) return fmt::format("{}d{}h{}m{}s", days, hours, minutes, seconds);
  if (hours > 0) return fmt::format("{}h{}m{}s", hours, minutes, seconds);
  if (minutes > 0) return fmt::format("{}m{}s", minutes, seconds);
  return fmt::format("{}s", seconds);
}

}  // namespace latchkey
