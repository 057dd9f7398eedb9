#include "service/audit_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/inert_text.h"
#include "crypto/encoding.h"
#include "crypto/hmac.h"

namespace latchkey {
namespace {

constexpr size_t kMinKeyBytes = 16;

std::string ErrnoText(std::string const& what, std::string const& path) {
  return what + " audit log " + path + ": " + std::strerror(errno);
}

Result<int> OpenAuditFile(std::string const& path) {
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
  return fd;
}

std::string AuditField(std::string const& text) { return Truncated(text, kMaxAuditFieldBytes); }

// JSON escapes only C0 controls; DEL and the C1 controls (U+0080..U+009F, e.g. U+009B, an 8-bit
// CSI) pass through raw and reach the terminal of whoever runs `tail audit.log`. Escaped here,
// still valid JSON.
std::string AuditEscapeTerminalControls(std::string const& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x7f) {
      out += "\\u007f";
    } else if (c == 0xc2 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) & 0xe0) == 0x80) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::Open(std::string const& path, std::string key,
                                                 std::function<TimePoint()> clock,
                                                 AuditLogRotation rotation) {
  if (key.size() < kMinKeyBytes) {
    return Fail(ErrorCode::kInvalidArgument, "the audit fingerprint key is shorter than 16 bytes");
  }
  if (rotation.keep < 1) {
    return Fail(ErrorCode::kInvalidArgument, "the audit log must keep at least one rotated file");
  }
  auto fd = OpenAuditFile(path);
  if (!fd) return tl::unexpected(fd.error());
  if (!clock) clock = &Now;
  return std::unique_ptr<AuditLog>(
      new AuditLog(*fd, path, std::move(key), std::move(clock), rotation));
}

AuditLog::AuditLog(int fd, std::string path, std::string key, std::function<TimePoint()> clock,
                   AuditLogRotation rotation)
    : fd_(fd),
      path_(std::move(path)),
      key_(std::move(key)),
      clock_(std::move(clock)),
      rotation_(rotation) {}

AuditLog::~AuditLog() { ::close(fd_); }

Result<void> AuditLog::Append(AuditEvent const& event) {
  nlohmann::json line = {
      {"time", FormatIso8601(clock_())},
      {"actor", {{"id", AuditField(event.actor_id)}, {"name", AuditField(event.actor_name)}}},
      {"action", AuditField(event.action)},
      {"target", {{"id", AuditField(event.target_id)}, {"name", AuditField(event.target_name)}}},
  };
  if (event.resource_type) line["resource_type"] = AuditField(*event.resource_type);
  if (event.resource_id) {
    line["resource_id"] = Truncated(*event.resource_id, kMaxAuditResourceIdBytes);
  }
  line["result"] = AuditField(event.result);
  if (!event.fingerprint_values.empty()) {
    nlohmann::json& fingerprints = line["fingerprints"] = nlohmann::json::object();
    size_t count = 0;
    for (auto const& [field, value] : event.fingerprint_values) {
      if (count++ == kMaxAuditFingerprints) {
        line["fingerprints_omitted"] = event.fingerprint_values.size() - kMaxAuditFingerprints;
        break;
      }
      fingerprints[AuditField(field)] = Fingerprint(key_, value);
    }
  }
  // Names come from users: invalid UTF-8 is replaced rather than failing the whole line.
  std::string text = AuditEscapeTerminalControls(
                         line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) +
                     "\n";

  // The lock orders this process's writes against its own rotation; O_APPEND makes each
  // write(2) land whole at the end of a regular file, which keeps other processes' lines apart.
  std::lock_guard lock(mu_);
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
  return RotateIfFull();
}

Result<void> AuditLog::RotateIfFull() {
  if (rotation_.max_bytes == 0) return {};
  struct stat open_file {};
  if (::fstat(fd_, &open_file) != 0) return {};
  if (static_cast<uint64_t>(open_file.st_size) < rotation_.max_bytes) return {};
  struct stat at_path {};
  bool still_ours = ::stat(path_.c_str(), &at_path) == 0 && at_path.st_dev == open_file.st_dev &&
                    at_path.st_ino == open_file.st_ino;
  if (still_ours) {
    // path.<keep-1> -> path.<keep>, ..., path -> path.1; the oldest is overwritten by rename.
    for (int i = rotation_.keep - 1; i >= 1; --i) {
      std::string from = path_ + "." + std::to_string(i);
      std::string to = path_ + "." + std::to_string(i + 1);
      if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
        return Fail(ErrorCode::kUnavailable, ErrnoText("cannot rotate", path_));
      }
    }
    if (::rename(path_.c_str(), (path_ + ".1").c_str()) != 0) {
      return Fail(ErrorCode::kUnavailable, ErrnoText("cannot rotate", path_));
    }
  }
  auto fd = OpenAuditFile(path_);
  if (!fd) return tl::unexpected(fd.error());
  ::close(fd_);
  fd_ = *fd;
  return {};
}

std::string AuditLog::Fingerprint(std::string_view key, std::string_view value) {
  return crypto::HexEncode(crypto::HmacSha256(key, value));
}

std::string AuditLog::ResultOf(Error const& error) {
  return std::string(ErrorCodeName(error.code));
}

}  // namespace latchkey
