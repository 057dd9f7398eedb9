// Who is calling: users (people and service accounts) and the API tokens they authenticate with.
// Only hashes are kept: an Argon2id encoding of a password, a SHA-256 of a token.
#pragma once

#include <optional>
#include <string>

#include "common/time_util.h"

namespace latchkey {

struct User {
  std::string id;
  std::string name;
  std::string password_hash;  // Argon2id encoded ("$argon2id$..."); empty for service accounts
  bool admin = false;
  bool service_account = false;
  bool active = true;
  TimePoint created{};
  TimePoint updated{};
};

struct ApiToken {
  std::string id;
  std::string user_id;
  std::string name;        // what it is for ("login from host x", "ci")
  std::string token_hash;  // hex SHA-256 of the token; the token itself is never stored
  TimePoint created{};
  std::optional<TimePoint> expires_at;  // none: never (service account API keys may opt in)
  bool revoked = false;
};

}  // namespace latchkey
