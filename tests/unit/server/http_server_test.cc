#include "server/http/http_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "metrics_text.h"
#include "server_fixture.h"

namespace latchkey::server {
namespace {

using testing::Get;
using testing::ParseExposition;
using testing::RawHttpClient;

class HttpServerTest : public testing::ServerFixture {};

nlohmann::json Json(std::optional<testing::RawResponse> const& response) {
  return response ? nlohmann::json::parse(response->body, nullptr, false) : nlohmann::json();
}

TEST_F(HttpServerTest, RoutesWithPathQueryAndHeaders) {
  StartServer();
  auto response = Exchange(Get("/api/v1/things/a%2Fb%20c?tag=x&tag=y+z", "X-Auth: t0ken\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(response->Header("server"), "");
  nlohmann::json body = Json(response);
  EXPECT_EQ(body["id"], "a/b c");
  EXPECT_EQ(body["path"], "/api/v1/things/a/b c");
  EXPECT_EQ(body["tags"], nlohmann::json({"x", "y z"}));
  EXPECT_EQ(body["auth"], "t0ken");
  EXPECT_EQ(body["peer"], "127.0.0.1");

  auto created =
      Exchange("POST /api/v1/things HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(Json(created)["received"], 5);

  auto deleted = Exchange("DELETE /api/v1/things/x HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  StartServer();
  auto missing = Exchange(Get("/nothing/here?secret=1"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json(missing)["error"]["code"], "not_found");
  EXPECT_EQ(missing->body.find("secret"), std::string::npos);

  auto wrong = Exchange("PUT /api/v1/things/x HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("allow"), "DELETE, GET");
  EXPECT_EQ(Json(wrong)["error"]["code"], "method_not_allowed");
}

TEST_F(HttpServerTest, HandlerErrorsBecomeJsonErrors) {
  StartServer();
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    auto code = static_cast<ErrorCode>(c);
    std::string name(ErrorCodeName(code));
    SCOPED_TRACE(name);
    auto response = Exchange(Get("/error/" + name));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, HttpStatusFor(code));
    EXPECT_EQ(response->Header("content-type"), "application/json");
    EXPECT_EQ(Json(response), (nlohmann::json{{"error", {{"code", name}, {"message", "failed"}}}}));
  }
}

TEST_F(HttpServerTest, ThrowingHandlerIs500AndTheLogHoldsNoRequestData) {
  StartServer();
  auto thrown = Exchange(Get("/throw"));
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->status, 500);
  EXPECT_EQ(Json(thrown)["error"]["code"], "internal");

  std::string body = R"({"password": "hunter2")";  // truncated JSON: the parser throws
  auto parsed =
      Exchange("POST /parse HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->status, 500);
  EXPECT_EQ(parsed->body.find("hunter2"), std::string::npos);

  std::vector<std::string> errors = Errors();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("GET /throw"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("std::runtime_error"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].find("what() text"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("POST /parse"), std::string::npos) << errors[1];
  EXPECT_EQ(errors[1].find("hunter2"), std::string::npos) << errors[1];
  EXPECT_TRUE(Exchange(Get("/fast")));
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(Get("/fast")));
  auto first = client.ReadResponse();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "fast");
  EXPECT_NE(first->Header("connection"), "close");
  ASSERT_TRUE(client.Send(Get("/api/v1/things/2")));
  auto second = client.ReadResponse();
  ASSERT_TRUE(second);
  EXPECT_EQ(Json(second)["id"], "2");

  // Pipelined: both requests in one write, answered in order.
  ASSERT_TRUE(client.Send(Get("/api/v1/things/3") + Get("/fast", "Connection: close\r\n")));
  auto third = client.ReadResponse();
  auto fourth = client.ReadResponse();
  ASSERT_TRUE(third && fourth);
  EXPECT_EQ(Json(third)["id"], "3");
  EXPECT_EQ(fourth->body, "fast");
  EXPECT_EQ(fourth->Header("connection"), "close");
  EXPECT_TRUE(client.ReadsEof());
}

TEST_F(HttpServerTest, OversizedBodyIs413AndTheServerCarriesOn) {
  StartServer();
  std::string body(2 << 20, 'x');  // twice the default 1 MiB limit
  RawHttpClient client(port());
  client.Send("POST /api/v1/things HTTP/1.1\r\nHost: t\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body);
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(Json(response)["error"]["code"], "payload_too_large");
  EXPECT_EQ(response->Header("connection"), "close");

  // Chunked bodies are held to the same limit as they arrive.
  RawHttpClient chunked(port());
  std::string chunk(1 << 16, 'y');
  std::string request =
      "POST /api/v1/things HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) request += "10000\r\n" + chunk + "\r\n";
  chunked.Send(request + "0\r\n\r\n");
  auto chunked_response = chunked.ReadResponse();
  ASSERT_TRUE(chunked_response);
  EXPECT_EQ(chunked_response->status, 413);

  auto next = Exchange("POST /api/v1/things HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 201);
}

TEST_F(HttpServerTest, MalformedRequestIs400ThenClose) {
  StartServer();
  for (std::string garbage :
       {"GARBAGE\r\n\r\n", "GET /x HTTP/9\r\n\r\n", "GET /a%zz HTTP/1.1\r\n\r\n",
        "GET http://elsewhere/ HTTP/1.1\r\nHost: t\r\n\r\n"}) {
    SCOPED_TRACE(garbage);
    RawHttpClient client(port());
    client.Send(garbage);
    auto response = client.ReadResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(Json(response)["error"]["code"], "bad_request");
    EXPECT_TRUE(client.ReadsEof());
  }
  EXPECT_TRUE(Exchange(Get("/fast")));
}

// Issue 14 (10): a request whose Host or Authorization is missing or repeated could be read
// differently by a proxy in front; it is refused before any handler runs.
TEST_F(HttpServerTest, AmbiguousHostOrAuthorizationIs400) {
  StartServer();
  for (std::string ambiguous :
       {"GET /fast HTTP/1.1\r\n\r\n", "GET /fast HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET /fast HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer a\r\n"
        "Authorization: Bearer b\r\n\r\n"}) {
    SCOPED_TRACE(ambiguous);
    RawHttpClient client(port());
    client.Send(ambiguous);
    auto response = client.ReadResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(Json(response)["error"]["code"], "bad_request");
  }
  // HTTP/1.0 has no Host requirement; one Authorization header is fine.
  RawHttpClient old_client(port());
  old_client.Send("GET /fast HTTP/1.0\r\n\r\n");
  auto response = old_client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(Exchange(Get("/fast", "Authorization: Bearer a\r\n")));
}

TEST_F(HttpServerTest, HeaderFloodIs431) {
  StartServer();
  std::string headers;
  for (int i = 0; i < 200; ++i)
    headers += "X-Flood-" + std::to_string(i) + ": " + std::string(100, 'h') + "\r\n";
  RawHttpClient client(port());
  client.Send(Get("/fast", headers));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(Json(response)["error"]["code"], "header_fields_too_large");
  EXPECT_TRUE(Exchange(Get("/fast")));
}

TEST_F(HttpServerTest, MetricsCountRequestsByRouteTemplate) {
  std::vector<AccessLogEntry> log;
  std::vector<std::string> routes;
  std::mutex log_mu;
  HttpServerOptions options;
  options.access_log = [&](AccessLogEntry const& entry) {
    std::lock_guard lock(log_mu);
    log.push_back(entry);
    routes.emplace_back(entry.route);  // the view dies with the call
  };
  StartServer(options);
  constexpr int kRequests = 5;
  for (int i = 0; i < kRequests; ++i)
    ASSERT_TRUE(Exchange(Get("/api/v1/things/" + std::to_string(i) + "?q=secret")));
  ASSERT_TRUE(Exchange(Get("/nowhere")));
  ASSERT_TRUE(Exchange(Get("/nowhere/else")));
  ASSERT_TRUE(Exchange("FROB /api/v1/things/1 HTTP/1.1\r\nHost: t\r\n\r\n"));

  auto samples = ParseExposition(metrics_.Render());
  EXPECT_EQ(
      samples
          [R"(latchkey_http_requests_total{method="GET",route="/api/v1/things/{id}",status="200"})"],
      kRequests);
  EXPECT_EQ(samples[R"(latchkey_http_requests_total{method="GET",route="unmatched",status="404"})"],
            2);
  EXPECT_EQ(
      samples
          [R"(latchkey_http_requests_total{method="OTHER",route="/api/v1/things/{id}",status="405"})"],
      1);

  // Buckets sorted by their numeric bound must never decrease and end at the count.
  std::string series =
      R"(latchkey_http_request_duration_seconds_bucket{route="/api/v1/things/{id}",le=")";
  std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
  for (auto const& [name, value] : samples) {
    if (name.rfind(series, 0) != 0) continue;
    std::string le = name.substr(series.size(), name.size() - series.size() - 2);
    buckets.emplace_back(le == "+Inf" ? INFINITY : std::stod(le), value);
  }
  std::sort(buckets.begin(), buckets.end());
  ASSERT_EQ(buckets.size(), DefaultLatencyBuckets().size() + 1);
  for (size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_LE(buckets[i - 1].second, buckets[i].second) << "le=" << buckets[i].first;
  }
  // The duration histogram is per route whatever the status: the 405 counts too.
  EXPECT_EQ(buckets.back().second, kRequests + 1);
  EXPECT_EQ(samples[R"(latchkey_http_request_duration_seconds_count{route="/api/v1/things/{id}"})"],
            kRequests + 1);

  std::lock_guard lock(log_mu);
  ASSERT_EQ(log.size(), kRequests + 3u);
  EXPECT_EQ(routes[0], "/api/v1/things/{id}");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(routes[kRequests], "unmatched");
}

TEST_F(HttpServerTest, StartFailsClearlyWhenThePortIsTaken) {
  StartServer();
  Router router;
  HttpServerOptions options;
  options.port = port();
  HttpServer second(options, router);
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(port())),
            std::string::npos)
      << started.error().message;
  EXPECT_NE(started.error().message.find("in use"), std::string::npos) << started.error().message;
  EXPECT_EQ(started.error().message.find('\n'), std::string::npos);
}

TEST_F(HttpServerTest, StartRefusesABadRouteTable) {
  Router router;
  router.Add("GET", "/a/{id", [](HttpRequest const&, PathParams const&) { return HttpResponse{}; });
  HttpServer server(HttpServerOptions{}, router);
  auto started = server.Start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("/a/{id"), std::string::npos);
  server.Wait();  // never started: returns at once
}

}  // namespace
}  // namespace latchkey::server
