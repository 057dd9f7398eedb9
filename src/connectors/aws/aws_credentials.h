// An AWS credential set as every AWS API call needs it: a key pair, plus the session token and
// expiry that temporary (STS) credentials carry.
#pragma once

#include <optional>
#include <string>

#include "common/time_util.h"

namespace latchkey::aws {

// Deliberately has no printer or JSON conversion: the secret key and session token must never
// reach a log line or an error message by accident.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;  // temporary credentials only
  std::optional<TimePoint> expiration;       // absent: never expires
};

}  // namespace latchkey::aws
