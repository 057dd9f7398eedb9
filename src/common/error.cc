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

}  // namespace latchkey
