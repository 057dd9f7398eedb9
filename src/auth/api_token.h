// API tokens: 256 random bits shown to the user once; only their SHA-256 is stored (ApiToken).
// A plain hash suffices (no Argon2) because the token is uniformly random, not a guessable
// password, and it is checked on every API call.
#pragma once

#include <string>
#include <string_view>

namespace latchkey::auth {

// The prefix lets secret scanners (and people) recognise a leaked Latchkey token.
inline constexpr std::string_view kApiTokenPrefix = "lk_";

// "lk_" + base64url without padding of 32 random bytes (46 characters in all).
std::string NewApiToken();

// Lowercase hex SHA-256 of the whole token, prefix included: the form kept in ApiToken.
std::string TokenHash(std::string_view token);

// Shape check only (prefix, length, alphabet), to reject junk before a store lookup; says
// nothing about whether the token exists.
bool LooksLikeApiToken(std::string_view text);

}  // namespace latchkey::auth
