// libcurl's client against an in-process upstream that fails on purpose: which requests are sent
// again, how many times, and that an oversized answer is refused.
#include <gtest/gtest.h>

#include <atomic>

#include "http/http_client.h"
#include "server/http/http_server.h"

namespace latchkey {
namespace {

class CurlRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto flaky = [this](server::HttpRequest const&, server::PathParams const&) {
      // Two 503s (the first with Retry-After), then the answer.
      int n = ++calls_;
      if (n > 2) return server::TextResponse(200, "ok", "text/plain");
      auto r = server::TextResponse(503, "busy", "text/plain");
      if (n == 1) r.SetHeader("Retry-After", "0");
      return r;
    };
    router_.Add("GET", "/flaky", flaky);
    router_.Add("POST", "/flaky", flaky);
    router_.Add("GET", "/down", [this](server::HttpRequest const&, server::PathParams const&) {
      ++calls_;
      return server::TextResponse(503, "down", "text/plain");
    });
    router_.Add("GET", "/huge", [](server::HttpRequest const&, server::PathParams const&) {
      return server::TextResponse(200, std::string(3 << 20, 'x'), "text/plain");
    });
    server::HttpServerOptions options;
    options.max_body_bytes = 1 << 10;
    server_ = std::make_unique<server::HttpServer>(options, router_);
    ASSERT_TRUE(server_->Start());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override { server_->Stop(); }

  HttpRequest Request(std::string method, std::string path) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = base_ + path;
    r.timeout = std::chrono::seconds(10);
    return r;
  }

  server::Router router_;
  std::unique_ptr<server::HttpServer> server_;
  std::string base_;
  std::atomic<int> calls_{0};
  std::unique_ptr<HttpClient> http_ = MakeCurlHttpClient();
};

TEST_F(CurlRetryTest, GetIsRetriedUntilItSucceeds) {
  auto r = http_->Send(Request("GET", "/flaky"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(calls_, 3);
}

TEST_F(CurlRetryTest, PostIsNeverRetriedBlindly) {
  auto r = http_->Send(Request("POST", "/flaky"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(calls_, 1);
}

TEST_F(CurlRetryTest, APostMarkedSafeToRepeatIsRetriedLikeAGet) {
  auto request = Request("POST", "/flaky");
  request.safe_to_repeat = true;
  auto r = http_->Send(request);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(calls_, 3);
}

TEST_F(CurlRetryTest, TheAnswerSaysWhereItCameFrom) {
  auto r = http_->Send(Request("GET", "/flaky?x=1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->url, base_ + "/flaky?x=1");
}

TEST_F(CurlRetryTest, ErrorsNameTheUpstreamWithoutTheQuery) {
  // A SAS or a presigned URL carries its credential in the query: never in a message.
  auto huge = Request("GET", "/huge?sig=SECRET-SIGNATURE");
  huge.max_response_bytes = 1 << 20;
  auto r = http_->Send(huge);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(base_ + "/huge"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("SECRET-SIGNATURE"), std::string::npos) << r.error().message;
  HttpRequest closed;
  closed.url = "http://127.0.0.1:9/flaky?sig=SECRET-SIGNATURE";  // nothing listens there
  closed.timeout = std::chrono::seconds(5);
  auto refused = http_->Send(closed);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("http://127.0.0.1:9/flaky"), std::string::npos);
  EXPECT_EQ(refused.error().message.find("SECRET-SIGNATURE"), std::string::npos)
      << refused.error().message;
}

TEST_F(CurlRetryTest, RetriesAreBoundedAndTheLastAnswerIsReturned) {
  auto r = http_->Send(Request("GET", "/down"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(calls_, 3);
  auto once = Request("GET", "/down");
  once.no_retry = true;
  calls_ = 0;
  EXPECT_EQ(http_->Send(once)->status, 503);
  EXPECT_EQ(calls_, 1);
}

TEST_F(CurlRetryTest, AnOversizedAnswerIsRefused) {
  auto request = Request("GET", "/huge");
  request.max_response_bytes = 1 << 20;
  auto r = http_->Send(request);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(r.error().message.find("exceeds 1 MiB"), std::string::npos) << r.error().message;
  request.max_response_bytes = 4 << 20;
  auto fits = http_->Send(request);
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ(fits->body.size(), size_t{3} << 20);
}

}  // namespace
}  // namespace latchkey
