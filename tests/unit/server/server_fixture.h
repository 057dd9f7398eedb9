// An in-process HttpServer on 127.0.0.1 with an ephemeral port and a fixed set of test routes.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/http/http_server.h"
#include "server_test_support.h"

namespace latchkey::server::testing {

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/things/{id}", [](HttpRequest const& r, PathParams const& p) {
      return JsonResponse(200, {{"id", p.at("id")},
                                {"path", r.path},
                                {"tags", r.QueryAll("tag")},
                                {"auth", r.Header("x-auth").value_or("")},
                                {"peer", r.peer_address}});
    });
    router_.Add("DELETE", "/api/v1/things/{id}", [](HttpRequest const&, PathParams const&) {
      return HttpResponse{204, {}, ""};
    });
    router_.Add("POST", "/api/v1/things", [](HttpRequest const& r, PathParams const&) {
      return JsonResponse(201, {{"received", r.body.size()}});
    });
    router_.Add("GET", "/error/{code}", [](HttpRequest const&, PathParams const& p) {
      for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
        auto code = static_cast<ErrorCode>(c);
        if (ErrorCodeName(code) == p.at("code")) return ErrorResponse(Error{code, "failed"});
      }
      return HttpResponse{200, {}, "no such code"};
    });
    router_.Add("GET", "/throw", [](HttpRequest const&, PathParams const&) -> HttpResponse {
      throw std::runtime_error("what() text that must stay out of logs");
    });
    router_.Add("POST", "/parse", [](HttpRequest const& r, PathParams const&) {
      return JsonResponse(200, nlohmann::json::parse(r.body));  // throws on bad JSON
    });
    router_.Add("GET", "/fast", [](HttpRequest const&, PathParams const&) {
      return TextResponse(200, "fast", "text/plain");
    });
    router_.Add("GET", "/slow", [this](HttpRequest const&, PathParams const&) {
      entered_.Open();
      bool released = release_.Wait();
      return TextResponse(200, released ? "released" : "never released", "text/plain");
    });
  }

  void TearDown() override {
    release_.Open();  // a failed test must not leave Stop() waiting on a blocked handler
    if (server_) server_->Stop();
  }

  void StartServer(HttpServerOptions options = {}) {
    options.metrics = &metrics_;
    options.error_log = [this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      errors_.emplace_back(line);
    };
    server_ = std::make_unique<HttpServer>(std::move(options), router_);
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().message;
    ASSERT_NE(server_->port(), 0);
  }

  uint16_t port() const { return server_->port(); }

  // One request on a fresh connection.
  std::optional<RawResponse> Exchange(std::string const& request) {
    RawHttpClient client(port());
    if (!client.connected() || !client.Send(request)) return std::nullopt;
    return client.ReadResponse();
  }

  std::vector<std::string> Errors() {
    std::lock_guard lock(log_mu_);
    return errors_;
  }

  Router router_;
  MetricsRegistry metrics_;
  Latch entered_;
  Latch release_;
  std::mutex log_mu_;
  std::vector<std::string> errors_;
  std::unique_ptr<HttpServer> server_;  // last: stopped and destroyed before what it uses
};

}  // namespace latchkey::server::testing
