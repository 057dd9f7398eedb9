#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "crypto/encoding.h"
#include "crypto/random.h"

namespace latchkey {

Result<std::optional<std::string>> ReadBoundedLine(std::istream& in, size_t max_bytes,
                                                   std::string const& what) {
  std::string line;
  bool any = false;
  for (int ch; (ch = in.get()) != std::char_traits<char>::eof();) {
    any = true;
    if (ch == '\n') return std::optional<std::string>(std::move(line));
    if (line.size() == max_bytes) {
      return Fail(ErrorCode::kInvalidArgument,
                  what + " is over the limit of " + std::to_string(max_bytes) + " bytes");
    }
    line.push_back(static_cast<char>(ch));
  }
  if (!any) return std::optional<std::string>{};
  return std::optional<std::string>(std::move(line));
}

Result<std::string> ReadUserFile(std::string const& path, size_t max_bytes,
                                 std::string const& what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot read file '" + path + "' for " + what + ": " + std::strerror(errno));
  }
  std::string out;
  char chunk[65536];
  while (out.size() <= max_bytes) {
    size_t want = std::min(sizeof chunk, max_bytes + 1 - out.size());
    ssize_t n = ::read(fd, chunk, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string message =
          "cannot read file '" + path + "' for " + what + ": " + std::strerror(errno);
      ::close(fd);
      return Fail(ErrorCode::kInvalidArgument, message);
    }
    if (n == 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  if (out.size() > max_bytes) {
    return Fail(ErrorCode::kInvalidArgument, "file '" + path + "' for " + what +
                                                 " is over the limit of " +
                                                 std::to_string(max_bytes) + " bytes");
  }
  return out;
}

Result<void> WriteFileAtomic(std::string const& path, std::string const& content, unsigned mode) {
  std::filesystem::path target(path);
  if (target.has_parent_path()) {
    if (auto r = EnsureDirectory(target.parent_path().string(), 0700); !r) return r;
  }
  std::string tmp = path + ".tmp-" + crypto::HexEncode(crypto::RandomBytes(6));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable, "cannot write " + path + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Fail(ErrorCode::kUnavailable, "cannot write " + path + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Fail(ErrorCode::kUnavailable, "cannot replace " + path + ": " + std::strerror(err));
  }
  return {};
}

Result<void> EnsureDirectory(std::string const& path, unsigned mode) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return {};
  std::filesystem::create_directories(path, ec);
  if (ec && !std::filesystem::is_directory(path)) {
    return Fail(ErrorCode::kUnavailable, "cannot create directory " + path + ": " + ec.message());
  }
  ::chmod(path.c_str(), mode);
  return {};
}

}  // namespace latchkey
