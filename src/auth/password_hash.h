// Password hashing for user logins: Argon2id in the PHC string format
// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"), so every stored hash names its own parameters
// and old hashes keep verifying after the parameters are raised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey::auth {

struct PasswordHashParams {
  uint32_t memory_kib = 0;
  uint32_t iterations = 0;
  uint32_t parallelism = 0;
};

// OWASP's minimum for Argon2id; nothing weaker is ever produced.
inline constexpr PasswordHashParams kMinimumPasswordHashParams{19 * 1024, 2, 1};
// What HashPassword uses now (see password_hash.cc for why these values).
extern PasswordHashParams const kCurrentPasswordHashParams;

inline constexpr size_t kMaxPasswordBytes = 1024;

// kInvalidArgument for an empty password or one over kMaxPasswordBytes.
Result<std::string> HashPassword(std::string_view password);
// For tests and future migrations; parameters below kMinimumPasswordHashParams are refused.
Result<std::string> HashPassword(std::string_view password, PasswordHashParams params);

// Constant-time comparison (argon2id_verify). False for a wrong password, an empty or over-long
// password, and any encoding that is not a well-formed Argon2id PHC string within sane bounds.
bool VerifyPassword(std::string_view password, std::string const& encoded);

// True when `encoded` should be replaced by a fresh hash after a successful login: its
// parameters are below kCurrentPasswordHashParams, or it is not a well-formed Argon2id v19 hash.
bool NeedsRehash(std::string const& encoded);

}  // namespace latchkey::auth
