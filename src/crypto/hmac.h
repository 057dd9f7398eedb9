// HMAC-SHA256 (OpenSSL EVP_MAC), the keyed hash behind AWS Signature Version 4's signing-key chain.
#pragma once

#include <string>
#include <string_view>

namespace latchkey::crypto {

std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes

}  // namespace latchkey::crypto
