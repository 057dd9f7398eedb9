// RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256"), the signature Google's OAuth2 JWT-bearer grant
// asks of a service-account key. The key is parsed once, so a cached signer signs each new
// assertion without re-reading PEM.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey::crypto {

class RsaSigner {
 public:
  // Accepts a PKCS#8 or PKCS#1 PEM private key (what service-account key files hold). The error
  // never quotes the key.
  static Result<RsaSigner> FromPem(std::string_view private_key_pem);

  // The raw signature bytes of SHA-256(data).
  Result<std::string> SignSha256(std::string_view data) const;

 private:
  struct Key;
  explicit RsaSigner(std::shared_ptr<Key const> key) : key_(std::move(key)) {}
  std::shared_ptr<Key const> key_;
};

}  // namespace latchkey::crypto
