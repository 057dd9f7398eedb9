#include "crypto/random.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>

#include "crypto/encoding.h"

namespace latchkey::crypto {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    // Without randomness no key or nonce is safe to use: this is not recoverable.
    throw std::runtime_error("the system random number generator failed");
  }
  return out;
}

namespace {

// Sets the version and variant bits and writes the 8-4-4-4-12 form.
std::string FormatUuid(std::string b, int version) {
  b[6] = static_cast<char>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace

std::string NewUuid() { return FormatUuid(RandomBytes(16), 4); }

std::string NewTimeOrderedUuid() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  uint64_t millis = static_cast<uint64_t>(micros / 1000);
  // RFC 9562 section 6.2, method 3: the 12 bits after the version hold the fraction of the
  // millisecond, so IDs made within one millisecond still mostly sort by time.
  uint64_t fraction = static_cast<uint64_t>(micros % 1000) * 4096 / 1000;
  std::string b = RandomBytes(16);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<char>((millis >> (40 - 8 * i)) & 0xff);
  b[6] = static_cast<char>((fraction >> 8) & 0x0f);
  b[7] = static_cast<char>(fraction & 0xff);
  return FormatUuid(std::move(b), 7);
}

}  // namespace latchkey::crypto
