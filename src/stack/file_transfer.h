// Local-file ends of an artifact transfer: random-access reads of a source file, and a
// destination written to a temporary sibling that replaces the target only when complete, so
// a failed or interrupted copy never leaves a half-written file.
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"

namespace latchkey {

class SourceFile {
 public:
  static Result<SourceFile> Open(std::string const& path);
  SourceFile(SourceFile&& other) noexcept;
  SourceFile& operator=(SourceFile&&) = delete;
  ~SourceFile();

  uint64_t size() const { return size_; }
  // Up to `n` bytes at `offset` (fewer only at the end of the file).
  Result<size_t> ReadAt(uint64_t offset, char* buffer, size_t n) const;

 private:
  SourceFile(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(path) {}
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

class DestinationFile {
 public:
  // Creates the temporary file next to `path` (and `path`'s missing parent directories when
  // `make_parents`).
  static Result<DestinationFile> Create(std::string const& path, bool make_parents);
  DestinationFile(DestinationFile&& other) noexcept;
  DestinationFile& operator=(DestinationFile&&) = delete;
  // Removes the temporary file unless Commit() succeeded.
  ~DestinationFile();

  Result<void> Write(char const* data, size_t n);
  // fsync, then rename over the target.
  Result<void> Commit();

 private:
  DestinationFile(int fd, std::string path, std::string temp)
      : fd_(fd), path_(std::move(path)), temp_(std::move(temp)) {}
  int fd_ = -1;
  std::string path_;
  std::string temp_;
};

}  // namespace latchkey
