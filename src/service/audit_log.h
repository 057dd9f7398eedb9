// Append-only audit trail: one JSON object per line, for who did what to which connector, secret,
// user or token, and with what result.
//
// Secret values never reach the file. Where it matters which value was involved (was the same
// password set again? which key issued these credentials?), the event carries a fingerprint: an
// HMAC-SHA256 keyed by the log's own key, so equal values can be matched across lines without a
// reader being able to test guesses against the file alone.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/time_util.h"

namespace latchkey {

struct AuditEvent {
  std::string actor_id;
  std::string actor_name;
  std::string action;  // "connector.create", "credentials.issue", "token.revoke", ...
  std::string target_id;
  std::string target_name;
  std::optional<std::string> resource_type;
  std::optional<std::string> resource_id;
  std::string result = "ok";  // or AuditLog::ResultOf(error)
  // Field name -> raw secret value. Only Fingerprint(key, value) of each is written.
  std::map<std::string, std::string> fingerprint_values;
};

// Every field an event carries may come from an unauthenticated caller (a login's user name), so
// each is cut to a bound before it is written, and the file is rotated by size: a full log is
// renamed `path.1` (older ones `path.2` ... `path.<keep>`, the oldest dropped).
inline constexpr size_t kMaxAuditFieldBytes = 256;        // names, IDs, action, result
inline constexpr size_t kMaxAuditResourceIdBytes = 1024;  // resource IDs are URLs and ARNs
inline constexpr size_t kMaxAuditFingerprints = 32;

struct AuditLogRotation {
  uint64_t max_bytes = uint64_t{64} << 20;  // 0: never rotate
  int keep = 5;                             // rotated files kept (>= 1)
};

class AuditLog {
 public:
  // Opens (creating with mode 0600) `path` for appending; an existing file readable by others is
  // narrowed to 0600. The key must be at least 16 bytes.
  static Result<std::unique_ptr<AuditLog>> Open(std::string const& path, std::string key,
                                                std::function<TimePoint()> clock = &Now,
                                                AuditLogRotation rotation = {});
  ~AuditLog();
  AuditLog(AuditLog const&) = delete;
  AuditLog& operator=(AuditLog const&) = delete;

  // Thread-safe. Writes one line with a single write(2), so lines from threads and from other
  // processes appending to the same file never interleave; rotates once the file reaches
  // `rotation.max_bytes`. A process that finds the file already rotated by another (its open
  // file is no longer at `path`) reopens `path` instead of rotating again.
  Result<void> Append(AuditEvent const& event);

  // Lowercase hex HMAC-SHA256(key, value).
  static std::string Fingerprint(std::string_view key, std::string_view value);
  // The `result` text for a failure: the error code in snake case ("permission_denied").
  static std::string ResultOf(Error const& error);

 private:
  AuditLog(int fd, std::string path, std::string key, std::function<TimePoint()> clock,
           AuditLogRotation rotation);
  Result<void> RotateIfFull();  // with mu_ held

  std::mutex mu_;
  int fd_;
  std::string const path_;
  std::string const key_;
  std::function<TimePoint()> const clock_;
  AuditLogRotation const rotation_;
};

}  // namespace latchkey
