// One call to a Google API with an OAuth2 bearer token: the token comes from a supplier that
// caches it, a 401 makes the supplier fetch a fresh one and the call is tried once more (a token
// revoked or expired early), and Google's error bodies become clear errors that never repeat a
// token.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/time_util.h"
#include "core/context.h"
#include "http/http_client.h"

namespace latchkey::gcp {

struct AccessToken {
  std::string token;
  std::optional<TimePoint> expires_at;
  std::string principal;  // the account the token acts as, when known (for messages)
};

// `refresh` = true asks for a token newer than any cached one.
using TokenSupplier = std::function<Result<AccessToken>(bool refresh)>;

// Sends `request` with the supplier's token. Returns the response for 2xx; an error otherwise.
Result<HttpResponse> SendGoogle(Context& ctx, TokenSupplier const& tokens, HttpRequest request);

// The error for a non-2xx answer: code from the status, message from Google's JSON error shapes
// (`{"error":{"code","message","status"}}` or OAuth2's `{"error","error_description"}`), with
// `secret` (a token in play, if any) replaced by [HIDDEN].
Error GoogleError(HttpResponse const& response, std::string const& secret = "");

// Form-encodes OAuth2 / STS parameters.
std::string FormEncode(std::vector<std::pair<std::string, std::string>> const& params);

// Parses an OAuth2 token answer: access_token plus expires_in (seconds from `now`).
Result<AccessToken> ParseTokenResponse(std::string const& body, TimePoint now);

}  // namespace latchkey::gcp
