// Byte encodings: base64 (standard and URL-safe) and hex, via OpenSSL's EVP encoder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace latchkey::crypto {

std::string Base64Encode(std::string_view bytes);
// RFC 4648 section 5 without padding, as JWTs and tokens in URLs want it.
std::string Base64UrlEncode(std::string_view bytes);
// Accepts standard or URL-safe alphabet, with or without padding, ignoring whitespace.
std::optional<std::string> Base64Decode(std::string_view text);
std::string HexEncode(std::string_view bytes);

}  // namespace latchkey::crypto
