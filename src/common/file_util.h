// File writes that never leave a half-written file behind: write a sibling temp file, fsync,
// rename over the target.
#pragma once

#include <string>

#include "common/error.h"

namespace latchkey {

Result<void> WriteFileAtomic(std::string const& path, std::string const& content,
                             unsigned mode = 0600);
// Creates the directory (and parents) with `mode` when missing.
Result<void> EnsureDirectory(std::string const& path, unsigned mode = 0700);

}  // namespace latchkey
