// A scripted HttpClient for unit tests: canned responses are returned in order (or by URL
// substring) and every request is recorded for assertions.
#pragma once

#include <deque>
#include <functional>
#include <vector>

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

}  // namespace latchkey::testing
