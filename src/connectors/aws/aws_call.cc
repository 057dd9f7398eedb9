#include "connectors/aws/aws_call.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <random>
#include <thread>

#include "common/strings.h"
#include "connectors/aws/sigv4.h"
#include "connectors/aws/uri_encoding.h"
#include "http/retry_policy.h"

namespace latchkey::aws {
namespace {

constexpr int kMaxApiCallAttempts = 4;

bool RetryableApiResponse(long status, std::string const& code) {
  return status == 429 || status >= 500 || code == "Throttling" || code == "ThrottlingException" ||
         code == "TooManyRequestsException" || code == "RequestLimitExceeded" ||
         code == "SlowDown" || code == "RequestThrottled";
}

ErrorCode CodeFor(long status, std::string const& code) {
  if (code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "ExpiredToken" ||
      code == "ExpiredTokenException" || code == "InvalidAccessKeyId" ||
      code == "UnrecognizedClientException" || code == "InvalidToken" || code == "AuthFailure" ||
      code == "InvalidSignatureException" || status == 401) {
    return ErrorCode::kUnauthenticated;
  }
  if (code == "AccessDenied" || code == "AccessDeniedException" || code == "Forbidden" ||
      code == "UnauthorizedOperation" || status == 403) {
    return ErrorCode::kPermissionDenied;
  }
  if (status == 404 || EndsWith(code, "NotFoundException") || StartsWith(code, "NoSuch")) {
    return ErrorCode::kNotFound;
  }
  if (RetryableApiResponse(status, code)) return ErrorCode::kUnavailable;
  return ErrorCode::kFailedPrecondition;
}

std::string DefaultHost(std::string const& service, std::string const& region) {
  if (service == "ecr") return fmt::format("https://api.ecr.{}.amazonaws.com", region);
  return fmt::format("https://{}.{}.amazonaws.com", service, region);
}

}  // namespace

std::optional<std::string> AwsEndpoint::CustomUrl(std::string const& service) const {
  if (auto it = service_endpoint_url.find(service);
      it != service_endpoint_url.end() && !it->second.empty()) {
    return it->second;
  }
  if (endpoint_url && !endpoint_url->empty()) return endpoint_url;
  return std::nullopt;
}

std::string AwsEndpoint::BaseUrl(std::string const& service) const {
  std::string base = CustomUrl(service).value_or(DefaultHost(service, region));
  while (EndsWith(base, "/")) base.pop_back();
  return base;
}

bool AwsEndpoint::IsCustom(std::string const& service) const {
  return CustomUrl(service).has_value();
}

std::string FormEncode(std::vector<std::pair<std::string, std::string>> const& params) {
  std::string out;
  for (auto const& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += UriEncode(k) + "=" + UriEncode(v);
  }
  return out;
}

AwsErrorInfo ParseAwsError(HttpResponse const& response) {
  AwsErrorInfo info;
  if (auto type = response.Header("x-amzn-errortype")) info.code = Split(*type, ':')[0];
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_discarded() && json.is_object()) {
    for (char const* key : {"__type", "code", "Code"}) {
      if (info.code.empty() && json.contains(key) && json[key].is_string()) {
        std::string t = json[key].get<std::string>();
        info.code = t.substr(t.find('#') == std::string::npos ? 0 : t.find('#') + 1);
      }
    }
    for (char const* key : {"message", "Message"}) {
      if (info.message.empty() && json.contains(key) && json[key].is_string()) {
        info.message = json[key].get<std::string>();
      }
    }
    return info;
  }
  pugi::xml_document doc;
  if (doc.load_string(response.body.c_str())) {
    // <ErrorResponse><Error>..</Error></ErrorResponse> (query APIs) or <Error>..</Error> (S3).
    pugi::xml_node error = doc.select_node("//Error").node();
    if (error) {
      info.code = error.child_value("Code");
      info.message = error.child_value("Message");
    }
  }
  return info;
}

Result<HttpResponse> SendAws(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                             AwsCall const& call) {
  std::minstd_rand jitter(std::random_device{}());
  RetryPolicy policy;
  policy.max_attempts = kMaxApiCallAttempts;
  std::optional<std::chrono::milliseconds> retry_after;
  Error last{ErrorCode::kUnavailable, "no attempt made"};
  for (int attempt = 0; attempt < kMaxApiCallAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(RetryDelay(policy, attempt, retry_after, jitter));
    retry_after.reset();
    HttpRequest request;
    request.no_retry = true;  // this loop re-signs and retries every AWS call itself
    request.method = call.method;
    request.url = call.url;
    request.headers = call.headers;
    request.body = call.body;
    request.timeout = ctx.timeout;
    SigningOptions options;
    options.unsigned_payload = call.service == "s3";
    if (auto r = SignRequest(request, creds, endpoint.region, call.service, ctx.now, options); !r) {
      return tl::unexpected(r.error());
    }
    auto response = ctx.http.Send(request);
    if (!response) {
      last = response.error();
      if (last.code == ErrorCode::kUnavailable) continue;  // connection reset, DNS hiccup
      return tl::unexpected(last);
    }
    if (response->status >= 200 && response->status < 300) return response;
    AwsErrorInfo info = ParseAwsError(*response);
    std::string what = info.code.empty() ? fmt::format("HTTP {}", response->status) : info.code;
    std::string message = ScrubCredentials(info.message, creds);
    last = Error{CodeFor(response->status, info.code),
                 fmt::format("AWS {} {} failed: {}{}", call.service, call.method, what,
                             message.empty() ? "" : " (" + message + ")")};
    if (!RetryableApiResponse(response->status, info.code)) break;
    if (auto header = response->Header("retry-after"))
      retry_after = ParseRetryAfter(*header, ctx.now);
  }
  return tl::unexpected(last);
}

std::string ScrubCredentials(std::string text, AwsCredentials const& creds) {
  for (std::string const* secret : {&creds.access_key_id, &creds.secret_access_key,
                                    creds.session_token ? &*creds.session_token : nullptr}) {
    if (!secret || secret->empty()) continue;
    for (size_t pos = text.find(*secret); pos != std::string::npos; pos = text.find(*secret, pos)) {
      text.replace(pos, secret->size(), "[HIDDEN]");
    }
  }
  return text;
}

}  // namespace latchkey::aws
