// Cryptographically secure randomness (OpenSSL RAND_bytes) and identifiers built from it.
#pragma once

#include <string>

namespace latchkey::crypto {

std::string RandomBytes(size_t n);
// RFC 4122 version-4 UUID, lowercase.
std::string NewUuid();

}  // namespace latchkey::crypto
