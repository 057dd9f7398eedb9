// Cryptographically secure randomness (OpenSSL RAND_bytes) and identifiers built from it.
#pragma once

#include <string>

namespace latchkey::crypto {

std::string RandomBytes(size_t n);
// RFC 9562 version-4 UUID, lowercase: all 122 bits random.
std::string NewUuid();
// RFC 9562 version-7 UUID, lowercase: a millisecond Unix timestamp, then sub-millisecond time
// and 62 random bits. Row IDs use it: IDs made one after another sort one after another, so a
// batch of inserts lands on the last page of every index keyed by ID instead of one random
// page per row and index (a random-UUID key made each create dirty six scattered pages). The
// time it reveals is the row's creation time, which whoever can see the row sees anyway.
std::string NewTimeOrderedUuid();

}  // namespace latchkey::crypto
