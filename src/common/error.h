// Typed errors for every fallible call. Messages are shown to users verbatim, so they must never
// contain a secret value.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace latchkey {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kConflict,  // a concurrent change won (optimistic concurrency); retry on the new version
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kInternal,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

// Shorthand so failing paths read `return Fail(ErrorCode::kNotFound, "...")`.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

// Re-wraps an error with a leading context ("verifying connector 'x': ...").
inline tl::unexpected<Error> Fail(Error const& cause, std::string const& context) {
  return tl::unexpected<Error>(Error{cause.code, context + ": " + cause.message});
}

// Process exit status for a CLI command that failed with `code` (1 = generic failure).
int ExitCodeFor(ErrorCode code);

// The wire name of a code ("not_found"), as the REST API and the audit log write it, and back
// (an unknown name is kInternal).
std::string_view ErrorCodeName(ErrorCode code);
ErrorCode ErrorCodeFromName(std::string_view name);

}  // namespace latchkey
