#include "server/http/http_types.h"

#include <strings.h>

namespace latchkey::server {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> FindHeader(HeaderFields const& headers, std::string_view name) {
  for (auto const& [key, value] : headers) {
    if (SameName(key, name)) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  for (auto const& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpRequest::QueryAll(std::string_view name) const {
  std::vector<std::string> values;
  for (auto const& [key, value] : query) {
    if (key == name) values.push_back(value);
  }
  return values;
}

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

void HttpResponse::SetHeader(std::string_view name, std::string value) {
  std::erase_if(headers, [&](auto const& header) { return SameName(header.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

void AddDefaultHeaders(HttpResponse& response) {
  auto add = [&](std::string_view name, std::string_view value) {
    if (!response.Header(name)) response.headers.emplace_back(name, value);
  };
  add("Content-Security-Policy", kContentSecurityPolicy);
  add("X-Content-Type-Options", "nosniff");
  add("X-Frame-Options", "DENY");
  add("Referrer-Policy", "no-referrer");
  add("Cross-Origin-Opener-Policy", "same-origin");
  add("Cache-Control", "no-store");
}

HttpResponse JsonResponse(int status, nlohmann::json const& body) {
  // Replacing invalid UTF-8 instead of throwing: a message may quote user input.
  return TextResponse(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                      kJsonContentType);
}

HttpResponse TextResponse(int status, std::string body, std::string_view content_type) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", std::string(content_type));
  response.body = std::move(body);
  return response;
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kFailedPrecondition:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDeadlineExceeded:
      return 504;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ErrorResponse(Error const& error) {
  return ErrorResponse(HttpStatusFor(error.code), ErrorCodeName(error.code), error.message);
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return JsonResponse(status, body);
}

}  // namespace latchkey::server
