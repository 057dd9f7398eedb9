// File writes that never leave a half-written file behind: write a sibling temp file, fsync,
// rename over the target.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey {

// kKeep: an existing file at `path` is never replaced (kAlreadyExists), checked by the same
// step that names the new file, so no other writer can slip in between.
enum class FileReplace { kReplace, kKeep };
Result<void> WriteFileAtomic(std::string const& path, std::string const& content,
                             unsigned mode = 0600, FileReplace replace = FileReplace::kReplace);
// Reads at most `max_bytes` of a file given by a user: a file (or /dev/zero, a FIFO) with more
// is refused after reading max_bytes + 1, never read whole. `what` names what the contents are
// for in the message ("--password").
Result<std::string> ReadUserFile(std::string const& path, size_t max_bytes,
                                 std::string const& what);
// One line of `in` (without its '\n'), read a character at a time up to `max_bytes`: a longer
// line is kInvalidArgument naming `what` and the limit (the rest is not read). nullopt at the end
// of input with nothing read.
Result<std::optional<std::string>> ReadBoundedLine(std::istream& in, size_t max_bytes,
                                                   std::string const& what);
// Creates the directory (and parents) with `mode` when missing.
Result<void> EnsureDirectory(std::string const& path, unsigned mode = 0700);

}  // namespace latchkey
