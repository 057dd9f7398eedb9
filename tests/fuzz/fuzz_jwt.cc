// JWTs read from users and peers (an Azure access token's `aud` and `exp`, an ACR refresh
// token's expiry) and the base64 decoder under them. Encoding any bytes and decoding them again
// must give the bytes back, in both alphabets.
#include "connectors/azure/azure_credentials.h"
#include "crypto/encoding.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size > 8192) return 0;
  std::string input = latchkey::fuzz::AsString(data, size);
  (void)latchkey::azure::JwtAudience(input);
  (void)latchkey::azure::JwtExpiry(input);
  // The input as a token's claims, the way a peer would send them.
  std::string token = "eyJhbGciOiJSUzI1NiJ9." + latchkey::crypto::Base64UrlEncode(input) + ".c2ln";
  auto audience = latchkey::azure::JwtAudience(token);
  if (audience) FUZZ_CHECK(input.find("aud") != std::string::npos, token);
  (void)latchkey::azure::JwtExpiry(token);

  auto decoded = latchkey::crypto::Base64Decode(input);
  if (decoded) (void)latchkey::crypto::Base64Encode(*decoded);
  auto standard = latchkey::crypto::Base64Decode(latchkey::crypto::Base64Encode(input));
  FUZZ_CHECK(standard && *standard == input, latchkey::crypto::Base64Encode(input));
  auto url = latchkey::crypto::Base64Decode(latchkey::crypto::Base64UrlEncode(input));
  FUZZ_CHECK(url && *url == input, latchkey::crypto::Base64UrlEncode(input));
  return 0;
}
