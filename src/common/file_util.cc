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

namespace {

// Writes all of `content` to `fd` and flushes it to disk; 0 or the errno of the failure.
int WriteAllAndSync(int fd, std::string const& content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // fuzz targets write thousands of files a second
  ::fsync(fd);
#endif
  return 0;
}

// The complete new contents under the name `tmp`, or the errno of the failure. The file is
// written unnamed first (O_TMPFILE in `dir`) and linked to `tmp` only once complete: a process
// killed while writing leaves nothing behind, where a named temporary file would stay beside the
// target for good (a copy of a retired key, of a credential). Without O_TMPFILE (a filesystem
// that lacks it, no /proc) it is written under `tmp` directly.
int WriteCompleteTemp(std::string const& dir, std::string const& tmp, std::string const& content,
                      unsigned mode) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd >= 0) {
    int err = WriteAllAndSync(fd, content);
    std::string self = "/proc/self/fd/" + std::to_string(fd);
    bool linked =
        err == 0 && ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) == 0;
    ::close(fd);
    if (linked) return 0;
    if (err != 0) return err;
    // Not linkable (no /proc): written again below under its name.
  }
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return errno;
  int err = WriteAllAndSync(fd, content);
  ::close(fd);
  if (err != 0) ::unlink(tmp.c_str());
  return err;
}

}  // namespace

Result<void> WriteFileAtomic(std::string const& path, std::string const& content, unsigned mode,
                             FileReplace replace) {
  std::filesystem::path target(path);
  std::string dir = ".";
  if (target.has_parent_path()) {
    if (auto r = EnsureDirectory(target.parent_path().string(), 0700); !r) return r;
    dir = target.parent_path().string();
  }
  std::string tmp = path + ".tmp-" + crypto::HexEncode(crypto::RandomBytes(6));
  if (int err = WriteCompleteTemp(dir, tmp, content, mode); err != 0) {
    return Fail(ErrorCode::kUnavailable, "cannot write " + path + ": " + std::strerror(err));
  }
  if (replace == FileReplace::kKeep) {
    // link() fails with EEXIST where rename() would replace.
    int err = ::link(tmp.c_str(), path.c_str()) == 0 ? 0 : errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST) return Fail(ErrorCode::kAlreadyExists, path + " already exists");
    if (err != 0)
      return Fail(ErrorCode::kUnavailable, "cannot write " + path + ": " + std::strerror(err));
    return {};
  }
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
