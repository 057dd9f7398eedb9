// The one set of limits on what users name, label, describe and store, applied wherever input
// enters: the REST API's request parsers, the local CLI's backend and the CLI's own readers
// (`@file`, the wizard). Every other user may be hostile, so nothing they choose is unbounded,
// and names (which other people see in lists) carry no control characters.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey {

inline constexpr size_t kMaxNameBytes = 128;  // connectors, secrets, stacks, tokens...
inline constexpr size_t kMaxLabelKeyBytes = 128;
inline constexpr size_t kMaxLabelValueBytes = 1024;
inline constexpr size_t kMaxLabels = 64;
inline constexpr size_t kMaxDescriptionBytes = 4096;
// One attribute or secret value, however it arrives (inline, `@file`, `-v`, the wizard, JSON).
inline constexpr size_t kMaxValueBytes = size_t{1} << 20;
inline constexpr size_t kMaxSecretValues = 256;  // keys in one secret
// Lifetimes: an API key's TTL and a connector's expiration_seconds.
inline constexpr int64_t kMaxLifetimeSeconds = int64_t{10} * 366 * 24 * 3600;  // ~10 years
inline constexpr int64_t kMaxSkewToleranceSeconds = 24 * 3600;

// `what` names the thing in the message ("service connector name"); the offending text itself
// is never repeated, since it may be huge or hostile.
Result<void> CheckName(std::string_view what, std::string_view name);
// Keys are names (CheckName rules, kMaxLabelKeyBytes); values are only size-bounded (they are
// shown inert, never refused for their characters).
Result<void> CheckLabel(std::string_view key, std::optional<std::string> const& value);
Result<void> CheckLabels(std::map<std::string, std::string> const& labels);
Result<void> CheckDescription(std::string_view description);
// A value of `what` (an attribute or secret key), size only.
Result<void> CheckValueSize(std::string_view what, size_t bytes);
// Seconds of a lifetime or tolerance: 1..max (0 allowed when `allow_zero`).
Result<void> CheckSeconds(std::string_view what, int64_t seconds, int64_t max, bool allow_zero);

// The message every refused over-long value gets, e.g. "the value of --password is over the
// limit of 1048576 bytes".
std::string OverLimitMessage(std::string_view what, size_t limit);

}  // namespace latchkey
