// Shared Key authorization of Blob service requests: the broker's own calls with a storage
// account key (never handed to clients). The string-to-sign is the 2015-02-21+ form (an empty
// Content-Length for bodiless requests).
#pragma once

#include <string>

#include "common/error.h"
#include "common/time_util.h"
#include "http/http_client.h"

namespace latchkey::azure {

// "Sun, 06 Nov 1994 08:49:37 GMT", the form x-ms-date takes.
std::string Rfc1123Date(TimePoint t);

// The string Shared Key signs for `request` (whose headers already carry x-ms-date and
// x-ms-version). `account` names the key's account: with path-style URLs (Azurite,
// http://127.0.0.1:10000/devstoreaccount1/...) the path already starts with it.
std::string SharedKeyStringToSign(HttpRequest const& request, std::string const& account);

// Adds x-ms-date (from `now`) if missing and the Authorization header. Fails only when
// `account_key_base64` is not base64.
Result<void> SignSharedKey(HttpRequest& request, std::string const& account,
                           std::string const& account_key_base64, TimePoint now);

}  // namespace latchkey::azure
