#include "stack/file_transfer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace latchkey {
namespace {

tl::unexpected<Error> IoError(std::string const& what, std::string const& path) {
  return Fail(ErrorCode::kFailedPrecondition, what + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

Result<SourceFile> SourceFile::Open(std::string const& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kInvalidArgument, "'" + path + "' is not a regular file");
  }
  return SourceFile(fd, static_cast<uint64_t>(st.st_size), path);
}

SourceFile::SourceFile(SourceFile&& other) noexcept
    : fd_(other.fd_), size_(other.size_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

SourceFile::~SourceFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> SourceFile::ReadAt(uint64_t offset, char* buffer, size_t n) const {
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd_, buffer + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path_);
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

Result<DestinationFile> DestinationFile::Create(std::string const& path, bool make_parents) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  if (make_parents) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "cannot create directory '" + dir.string() + "': " + ec.message());
    }
  }
  std::string temp = (dir / ("." + target.filename().string() + ".latchkey-XXXXXX")).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return IoError("cannot create a file in", dir.string());
  return DestinationFile(fd, path, temp);
}

DestinationFile::DestinationFile(DestinationFile&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), temp_(std::move(other.temp_)) {
  other.fd_ = -1;
  other.temp_.clear();
}

DestinationFile::~DestinationFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Result<void> DestinationFile::Write(char const* data, size_t n) {
  while (n > 0) {
    ssize_t put = ::write(fd_, data, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path_);
    }
    data += put;
    n -= static_cast<size_t>(put);
  }
  return {};
}

Result<void> DestinationFile::Commit() {
  // Artifacts are the user's data, not secrets: the usual permissions, not mkstemp's 0600.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd_, 0666 & ~mask);
  if (::fsync(fd_) != 0) return IoError("cannot write", path_);
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) return IoError("cannot write", path_);
  temp_.clear();
  return {};
}

}  // namespace latchkey
