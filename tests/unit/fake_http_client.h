// A scripted HttpClient for unit tests: canned responses are returned in order (or by URL
// substring) and every request is recorded for assertions.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "common/strings.h"
#include "http/http_client.h"

namespace latchkey::testing {

class FakeHttpClient : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(HttpRequest const&)>;

  // Every request goes to `handler` when set; otherwise the queue is consumed in order.
  void SetHandler(Handler handler) { handler_ = std::move(handler); }
  void Enqueue(long status, std::string body, HttpHeaders headers = {}) {
    queue_.push_back(HttpResponse{status, std::move(headers), std::move(body)});
  }

  Result<HttpResponse> Send(HttpRequest const& request) override {
    requests.push_back(request);
    if (handler_) return handler_(request);
    if (queue_.empty())
      return Fail(ErrorCode::kUnavailable, "no scripted response for " + request.url);
    HttpResponse r = queue_.front();
    queue_.pop_front();
    return r;
  }

  std::vector<HttpRequest> requests;

 private:
  Handler handler_;
  std::deque<HttpResponse> queue_;
};

// A registry's version check behind Basic auth: 200 for a request whose Authorization header is
// exactly `authorization` (while `up`, when given, says the registry is up), else 401 with a
// Basic challenge.
inline FakeHttpClient::Handler BasicAuthRegistry(std::string authorization,
                                                 std::function<bool()> up = {}) {
  return [authorization = std::move(authorization),
          up = std::move(up)](HttpRequest const& r) -> Result<HttpResponse> {
    for (auto const& [k, v] : r.headers) {
      if (ToLower(k) == "authorization" && v == authorization && (!up || up())) {
        return HttpResponse{200, {}, "{}"};
      }
    }
    return HttpResponse{401, {{"www-authenticate", "Basic realm=\"test\""}}, ""};
  };
}

}  // namespace latchkey::testing
