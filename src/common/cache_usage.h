// What a bounded in-memory cache holds and may hold, for /metrics gauges.
#pragma once

#include <cstddef>

namespace latchkey {

struct CacheUsage {
  size_t entries = 0;
  size_t bytes = 0;  // approximate: keys, values and per-entry overhead
  size_t max_entries = 0;
  size_t max_bytes = 0;
};

}  // namespace latchkey
