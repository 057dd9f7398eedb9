// The request and response of the REST server as plain structs, so route handlers never see
// Boost.Beast (it stays inside src/server/http/*.cc). Also the one mapping from ErrorCode to an
// HTTP status and the JSON error body every endpoint returns.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace latchkey::server {

// Name/value pairs in the order received; names keep their spelling, lookups ignore case.
using HeaderFields = std::vector<std::pair<std::string, std::string>>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;    // upper case: "GET"
  std::string path;      // percent-decoded, without the query: "/api/v1/secrets/a b"
  QueryParams query;     // decoded ('+' is a space); repeated keys appear repeatedly
  HeaderFields headers;  // as received
  std::string body;
  bool tls = false;          // arrived over HTTPS (cookies get the Secure attribute)
  std::string peer_address;  // IP of the client ("127.0.0.1", "::1")
  int peer_port = 0;

  // First header with this name (any case), if present.
  std::optional<std::string> Header(std::string_view name) const;
  // First value of a query parameter, if present; QueryAll gives every value in order.
  std::optional<std::string> Query(std::string_view name) const;
  std::vector<std::string> QueryAll(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderFields headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const;
  // Replaces every header of this name (any case) by one with `value`.
  void SetHeader(std::string_view name, std::string value);
};

inline constexpr std::string_view kJsonContentType = "application/json";

// `body` serialised compactly with Content-Type: application/json.
HttpResponse JsonResponse(int status, nlohmann::json const& body);
HttpResponse TextResponse(int status, std::string body, std::string_view content_type);

// Headers every response carries unless its handler chose otherwise: a Content-Security-Policy
// that allows only this origin's own files (no inline script or style, no framing), nosniff,
// no referrer, and `Cache-Control: no-store` (API answers may hold credentials; the static
// files set their own caching).
void AddDefaultHeaders(HttpResponse& response);
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// REST status for an error code. Choices a client can rely on:
//   kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
//   kAlreadyExists 409, kConflict 409 (a concurrent update won: re-read and retry),
//   kFailedPrecondition 400 (the system is not in a state that allows the call, e.g. "still
//     referenced"; 412 is left to conditional headers such as If-Match, which the API does not
//     use, so a client never sees 412 for a request it did not make conditional),
//   kResourceExhausted 429 (quota or rate; the server itself answers 413 for an oversized body),
//   kUnavailable 503, kDeadlineExceeded 504, kInternal 500.
int HttpStatusFor(ErrorCode code);

// {"error":{"code":"<ErrorCodeName>","message":"<message>"}} with HttpStatusFor(code).
HttpResponse ErrorResponse(Error const& error);
// Same shape for errors the server raises before any handler runs, which have no ErrorCode:
// "method_not_allowed" (405), "payload_too_large" (413), "header_fields_too_large" (431),
// "bad_request" (400, an unparsable request).
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);

}  // namespace latchkey::server
