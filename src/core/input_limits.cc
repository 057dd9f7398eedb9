#include "core/input_limits.h"

#include <fmt/format.h>

#include "common/inert_text.h"

namespace latchkey {

std::string OverLimitMessage(std::string_view what, size_t limit) {
  return fmt::format("{} is over the limit of {} bytes", what, limit);
}

Result<void> CheckName(std::string_view what, std::string_view name) {
  if (name.size() > kMaxNameBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a {} is over the limit of {} bytes", what, kMaxNameBytes));
  }
  if (HasUnsafeText(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a {} must be UTF-8 without control characters or bidirectional "
                            "overrides",
                            what));
  }
  return {};
}

Result<void> CheckLabel(std::string_view key, std::optional<std::string> const& value) {
  if (key.empty()) return Fail(ErrorCode::kInvalidArgument, "a label key must not be empty");
  if (key.size() > kMaxLabelKeyBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a label key is over the limit of {} bytes", kMaxLabelKeyBytes));
  }
  if (auto r = CheckName("label key", key); !r) return r;
  if (value && value->size() > kMaxLabelValueBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a label value is over the limit of {} bytes", kMaxLabelValueBytes));
  }
  return {};
}

Result<void> CheckLabels(std::map<std::string, std::string> const& labels) {
  if (labels.size() > kMaxLabels) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("at most {} labels", kMaxLabels));
  }
  for (auto const& [key, value] : labels) {
    if (auto r = CheckLabel(key, value); !r) return r;
  }
  return {};
}

Result<void> CheckDescription(std::string_view description) {
  if (description.size() > kMaxDescriptionBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                OverLimitMessage("the description", kMaxDescriptionBytes));
  }
  return {};
}

Result<void> CheckValueSize(std::string_view what, size_t bytes) {
  if (bytes > kMaxValueBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                OverLimitMessage(fmt::format("the value of {}", what), kMaxValueBytes));
  }
  return {};
}

Result<void> CheckSeconds(std::string_view what, int64_t seconds, int64_t max, bool allow_zero) {
  if (seconds < (allow_zero ? 0 : 1) || seconds > max) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' must be {}..{} seconds", what, allow_zero ? 0 : 1, max));
  }
  return {};
}

}  // namespace latchkey
