#include "connectors/gcp/google_api.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/strings.h"
#include "http/upstream_name.h"
#include "http/url_encoding.h"

namespace latchkey::gcp {
namespace {

ErrorCode CodeForStatus(long status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kAlreadyExists;
    case 429:
      return ErrorCode::kResourceExhausted;
    default:
      return status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kFailedPrecondition;
  }
}

std::string Scrub(std::string text, std::string const& secret) {
  if (secret.size() < 8) return text;
  ReplaceAll(text, secret, "[HIDDEN]");
  return text;
}

std::string MessageOf(std::string const& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return "";
  // Any field may hold any JSON type in an answer we do not control; only strings are read.
  if (auto const& e = JsonObjectAt(j, "error"); !e.empty()) return JsonString(e, "message");
  std::string message = JsonString(j, "error");
  if (auto d = JsonString(j, "error_description"); !d.empty()) {
    message += message.empty() ? d : ": " + d;
  }
  return message;
}

}  // namespace

Error GoogleError(HttpResponse const& response, std::string const& secret) {
  std::string message = MessageOf(response.body);
  if (message.empty()) message = "HTTP error";
  // One line: Google's messages sometimes span several.
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  // Named by origin only: the path may hold a bucket or object name, the query a credential.
  std::string from = response.url.empty() ? "" : " (from " + UrlOrigin(response.url) + ")";
  return Error{CodeForStatus(response.status),
               fmt::format("{} {}{}", response.status, Scrub(message, secret), from)};
}

Result<HttpResponse> SendGoogle(Context& ctx, TokenSupplier const& tokens, HttpRequest request) {
  request.timeout = request.Streaming() ? request.timeout : ctx.timeout;
  size_t const auth_index = request.headers.size();
  request.headers.emplace_back("Authorization", "");
  for (bool refresh : {false, true}) {
    auto token = tokens(refresh);
    if (!token) return tl::unexpected(token.error());
    request.headers[auth_index].second = "Bearer " + token->token;
    auto response = ctx.http.Send(request);
    if (!response) return tl::unexpected(response.error());
    if (response->status >= 200 && response->status < 300) return response;
    if (response->status == 401 && !refresh && !request.body_reader) continue;
    return tl::unexpected(GoogleError(*response, token->token));
  }
  return Fail(ErrorCode::kUnauthenticated, "401 the access token was refused twice");
}

std::string FormEncode(std::vector<std::pair<std::string, std::string>> const& params) {
  std::string out;
  for (auto const& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += UrlEncode(k) + "=" + UrlEncode(v);
  }
  return out;
}

Result<AccessToken> ParseTokenResponse(std::string const& body, TimePoint now) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  // OAuth2 endpoints say access_token; IAM Credentials says accessToken.
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
    return Fail(ErrorCode::kUnavailable, "the token endpoint answered without an access token");
  }
  AccessToken t;
  t.token = j["access_token"].get<std::string>();
  if (auto e = j.find("expires_in"); e != j.end()) {
    double seconds = e->is_number()   ? e->get<double>()
                     : e->is_string() ? std::strtod(e->get<std::string>().c_str(), nullptr)
                                      : 0;
    // A year at most: a peer's huge or fractional number must not overflow the time.
    if (seconds > 0) t.expires_at = now + ClampedSeconds(seconds, std::chrono::hours(24 * 366));
  }
  return t;
}

}  // namespace latchkey::gcp
