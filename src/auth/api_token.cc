#include "auth/api_token.h"

#include <cctype>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace latchkey::auth {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr size_t kEncodedChars = (kTokenBytes * 8 + 5) / 6;  // 43

bool IsBase64UrlChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

}  // namespace

std::string NewApiToken() {
  std::string text = crypto::Base64Encode(crypto::RandomBytes(kTokenBytes));
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return std::string(kApiTokenPrefix) + text;
}

std::string TokenHash(std::string_view token) { return crypto::HexEncode(crypto::Sha256(token)); }

bool LooksLikeApiToken(std::string_view text) {
  if (text.size() != kApiTokenPrefix.size() + kEncodedChars ||
      text.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix) {
    return false;
  }
  text.remove_prefix(kApiTokenPrefix.size());
  for (char c : text) {
    if (!IsBase64UrlChar(c)) return false;
  }
  return true;
}

}  // namespace latchkey::auth
