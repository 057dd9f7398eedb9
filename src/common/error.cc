#include "common/error.h"

namespace latchkey {

int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 2;
    case ErrorCode::kNotFound:
      return 3;
    case ErrorCode::kAlreadyExists:
      return 4;
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
      return 5;
    case ErrorCode::kConflict:
      return 6;
    default:
      return 1;
  }
}

namespace {

struct CodeName {
  ErrorCode code;
  std::string_view name;
};

constexpr CodeName kCodeNames[] = {
    {ErrorCode::kInvalidArgument, "invalid_argument"},
    {ErrorCode::kNotFound, "not_found"},
    {ErrorCode::kAlreadyExists, "already_exists"},
    {ErrorCode::kPermissionDenied, "permission_denied"},
    {ErrorCode::kUnauthenticated, "unauthenticated"},
    {ErrorCode::kFailedPrecondition, "failed_precondition"},
    {ErrorCode::kConflict, "conflict"},
    {ErrorCode::kResourceExhausted, "resource_exhausted"},
    {ErrorCode::kUnavailable, "unavailable"},
    {ErrorCode::kDeadlineExceeded, "deadline_exceeded"},
    {ErrorCode::kInternal, "internal"},
};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  for (auto const& c : kCodeNames) {
    if (c.code == code) return c.name;
  }
  return "internal";
}

ErrorCode ErrorCodeFromName(std::string_view name) {
  for (auto const& c : kCodeNames) {
    if (c.name == name) return c.code;
  }
  return ErrorCode::kInternal;
}

}  // namespace latchkey
