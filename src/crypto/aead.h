// AES-256-GCM sealing of one value. The sealed form is nonce(12) || ciphertext || tag(16); the
// associated data binds a value to its record, so a ciphertext copied to another row fails to open.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey::crypto {

inline constexpr size_t kAeadKeySize = 32;

Result<std::string> AeadSeal(std::string_view key, std::string_view plaintext,
                             std::string_view associated_data);
Result<std::string> AeadOpen(std::string_view key, std::string_view sealed,
                             std::string_view associated_data);

}  // namespace latchkey::crypto
