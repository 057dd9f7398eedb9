// Hashes used for key ids and fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace latchkey::crypto {

std::string Sha256(std::string_view data);  // raw 32 bytes

}  // namespace latchkey::crypto
