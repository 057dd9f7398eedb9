#include "service/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "crypto/encoding.h"
#include "crypto/hmac.h"

namespace latchkey {
namespace {

constexpr size_t kMinKeyBytes = 16;

std::string ErrnoText(std::string const& what, std::string const& path) {
  return what + " audit log " + path + ": " + std::strerror(errno);
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::Open(std::string const& path, std::string key,
                                                 std::function<TimePoint()> clock) {
  if (key.size() < kMinKeyBytes) {
    return Fail(ErrorCode::kInvalidArgument, "the audit fingerprint key is shorter than 16 bytes");
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kUnavailable, ErrnoText("cannot open", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kFailedPrecondition, "audit log " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0 && ::fchmod(fd, 0600) != 0) {
    std::string message = ErrnoText("cannot restrict the mode of", path);
    ::close(fd);
    return Fail(ErrorCode::kPermissionDenied, message);
  }
  if (!clock) clock = &Now;
  return std::unique_ptr<AuditLog>(new AuditLog(fd, std::move(key), std::move(clock)));
}

AuditLog::AuditLog(int fd, std::string key, std::function<TimePoint()> clock)
    : fd_(fd), key_(std::move(key)), clock_(std::move(clock)) {}

AuditLog::~AuditLog() { ::close(fd_); }

Result<void> AuditLog::Append(AuditEvent const& event) {
  nlohmann::json line = {
      {"time", FormatIso8601(clock_())},
      {"actor", {{"id", event.actor_id}, {"name", event.actor_name}}},
      {"action", event.action},
      {"target", {{"id", event.target_id}, {"name", event.target_name}}},
  };
  if (event.resource_type) line["resource_type"] = *event.resource_type;
  if (event.resource_id) line["resource_id"] = *event.resource_id;
  line["result"] = event.result;
  if (!event.fingerprint_values.empty()) {
    nlohmann::json& fingerprints = line["fingerprints"] = nlohmann::json::object();
    for (auto const& [field, value] : event.fingerprint_values) {
      fingerprints[field] = Fingerprint(key_, value);
    }
  }
  // Names come from users: invalid UTF-8 is replaced rather than failing the whole line.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";

  // No lock: O_APPEND makes each write(2) land whole at the end of a regular file, which is what
  // keeps other processes' lines apart too.
  ssize_t written;
  do {
    written = ::write(fd_, text.data(), text.size());
  } while (written < 0 && errno == EINTR);
  if (written < 0) {
    return Fail(ErrorCode::kUnavailable,
                std::string("cannot write the audit log: ") + std::strerror(errno));
  }
  if (static_cast<size_t>(written) != text.size()) {
    // Finishing with a second write could interleave with another process's line; a damaged
    // line fails to parse instead of being misread.
    return Fail(ErrorCode::kResourceExhausted, "the audit log line was cut short (disk full?)");
  }
  return {};
}

std::string AuditLog::Fingerprint(std::string_view key, std::string_view value) {
  return crypto::HexEncode(crypto::HmacSha256(key, value));
}

std::string AuditLog::ResultOf(Error const& error) {
  return std::string(ErrorCodeName(error.code));
}

}  // namespace latchkey
