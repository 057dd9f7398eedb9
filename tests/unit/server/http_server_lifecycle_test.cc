// Concurrency, timeouts and shutdown of HttpServer. Ordering is asserted through latches held
// by handlers, never through elapsed time; timeouts only bound a broken run.
#include <gtest/gtest.h>

#include <csignal>
#include <future>

#include "server/http/http_server.h"
#include "server/signals.h"
#include "server_fixture.h"

namespace latchkey::server {
namespace {

using namespace std::chrono_literals;
using testing::Get;
using testing::RawHttpClient;
using testing::RawResponse;

class HttpServerLifecycleTest : public testing::ServerFixture {
 protected:
  std::future<std::optional<RawResponse>> RequestInBackground(std::string request) {
    return std::async(std::launch::async, [this, request] { return Exchange(request); });
  }
};

TEST_F(HttpServerLifecycleTest, SlowHandlerDoesNotHoldUpOtherClients) {
  HttpServerOptions options;
  options.io_threads = 1;  // one I/O thread: a handler running on it would block everyone
  options.worker_threads = 2;
  StartServer(options);
  auto slow = RequestInBackground(Get("/slow"));
  ASSERT_TRUE(entered_.Wait());

  auto fast = Exchange(Get("/fast"));
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->body, "fast");
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout) << "the slow handler is still held";

  release_.Open();
  auto slow_response = slow.get();
  ASSERT_TRUE(slow_response);
  EXPECT_EQ(slow_response->body, "released");
}

TEST_F(HttpServerLifecycleTest, StopFinishesInFlightRequestsAndClosesIdleConnections) {
  HttpServerOptions options;
  options.shutdown_grace = 120s;  // longer than any read below: only a graceful path passes
  StartServer(options);
  RawHttpClient idle(port());
  ASSERT_TRUE(idle.Send(Get("/fast")));
  ASSERT_TRUE(idle.ReadResponse());  // now an idle keep-alive connection

  auto in_flight = RequestInBackground(Get("/slow"));
  ASSERT_TRUE(entered_.Wait());
  auto stopper = std::async(std::launch::async, [this] { server_->Stop(); });

  EXPECT_TRUE(idle.ReadsEof()) << "idle keep-alive connections close at once";
  EXPECT_TRUE(testing::WaitUntilRefused(port())) << "no new connections during shutdown";
  EXPECT_EQ(stopper.wait_for(0s), std::future_status::timeout) << "Stop waits for the handler";

  release_.Open();
  auto response = in_flight.get();
  ASSERT_TRUE(response) << "the in-flight client gets its whole response";
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "released");
  EXPECT_EQ(response->Header("connection"), "close");
  stopper.get();
  server_->Wait();
  EXPECT_TRUE(Errors().empty());
}

TEST_F(HttpServerLifecycleTest, StopClosesWhatTheGracePeriodLeaves) {
  HttpServerOptions options;
  options.shutdown_grace = 50ms;
  StartServer(options);
  RawHttpClient stuck(port());
  ASSERT_TRUE(stuck.Send(Get("/slow")));
  ASSERT_TRUE(entered_.Wait());
  auto stopper = std::async(std::launch::async, [this] { server_->Stop(); });

  // Closed while its handler is still blocked: the grace period is over.
  EXPECT_TRUE(stuck.ReadsEof());
  release_.Open();
  stopper.get();
  auto errors = Errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("grace period"), std::string::npos) << errors[0];
}

TEST_F(HttpServerLifecycleTest, ReadTimeoutClosesAStalledRequest) {
  HttpServerOptions options;
  options.read_timeout = 200ms;
  StartServer(options);
  RawHttpClient stalled(port());
  ASSERT_TRUE(stalled.Send("GET /fast HTTP/1.1\r\nHost: t\r\n"));  // headers never finish
  EXPECT_TRUE(stalled.ReadsEof());
  EXPECT_TRUE(Exchange(Get("/fast")));
}

TEST_F(HttpServerLifecycleTest, IdleTimeoutClosesAQuietKeepAliveConnection) {
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  StartServer(options);
  RawHttpClient client(port());
  ASSERT_TRUE(client.Send(Get("/fast")));
  ASSERT_TRUE(client.ReadResponse());
  EXPECT_TRUE(client.ReadsEof());
}

TEST_F(HttpServerLifecycleTest, StopIsIdempotentAndWaitReturnsAfterIt) {
  StartServer();
  auto waiter = std::async(std::launch::async, [this] { server_->Wait(); });
  EXPECT_EQ(waiter.wait_for(0s), std::future_status::timeout);
  server_->Stop();
  waiter.get();
  server_->Stop();
  EXPECT_FALSE(server_->Start()) << "a server starts only once";
}

TEST_F(HttpServerLifecycleTest, SigtermStopsTheServerGracefully) {
  StartServer();
  ShutdownSignals signals;
  auto handler =
      std::async(std::launch::async, [&] { return StopServerOnSignal(*server_, signals); });
  std::raise(SIGTERM);  // kept by ShutdownSignals even if Wait() has not started yet
  EXPECT_EQ(handler.get(), SIGTERM);
  server_->Wait();
  EXPECT_TRUE(testing::WaitUntilRefused(port()));
}

TEST_F(HttpServerLifecycleTest, CancelledSignalWaitLeavesTheServerAlone) {
  StartServer();
  ShutdownSignals signals;
  auto handler =
      std::async(std::launch::async, [&] { return StopServerOnSignal(*server_, signals); });
  signals.Cancel();
  EXPECT_EQ(handler.get(), 0);
  EXPECT_TRUE(Exchange(Get("/fast")));
}

}  // namespace
}  // namespace latchkey::server
