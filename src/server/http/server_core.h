// Private to src/server/http: the state a connection shares with the server (options, router,
// worker pool, metrics, the set of live connections for a graceful stop). No Beast types here,
// so the routing, error mapping and bookkeeping compile without it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/http/http_server.h"

namespace boost::asio {
class thread_pool;
}

namespace latchkey::server::internal {

// Route label for requests no route matched (404) or that never reached routing (400, 413, 431).
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// What the server needs from a connection to stop it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Thread-safe. Closes the connection now if it is waiting for a request; a connection busy
  // with one finishes it and then closes.
  virtual void BeginShutdown() = 0;
  // Thread-safe. Closes now, whatever it is doing (grace period over).
  virtual void ForceClose() = 0;
};

struct Handled {
  HttpResponse response;
  std::string route;  // template or kUnmatchedRoute
};

class ServerCore {
 public:
  ServerCore(HttpServerOptions const& options, Router const& router);

  HttpServerOptions const& options() const { return options_; }
  void set_workers(boost::asio::thread_pool* workers, boost::asio::thread_pool* outbound) {
    workers_ = workers;
    outbound_workers_ = outbound;
  }
  // Where a matched request runs: the outbound pool for handlers that call providers, the
  // worker pool for the rest (including every non-match), so a provider that never answers can
  // hold only outbound threads.
  boost::asio::thread_pool& PoolFor(RouteMatch const& match) {
    return match.outbound ? *outbound_workers_ : *workers_;
  }

  // Cheap, on an I/O thread: which route (and so which pool) a request goes to.
  RouteMatch Route(HttpRequest const& request, std::string_view raw_path) const {
    return router_.Match(request.method, raw_path);
  }
  // Runs on a pool thread. Calls the matched handler (or answers the non-match); never throws:
  // a throwing handler becomes a 500 JSON error.
  Handled Handle(HttpRequest const& request, RouteMatch const& match) const;

  // Metrics and access log for one finished exchange.
  void Record(std::string_view method, std::string_view route, int status,
              std::chrono::steady_clock::duration elapsed);
  void LogError(std::string_view line) const;

  // Live connections. Register fails once stopping, so a connection accepted during Stop()
  // closes instead of being served.
  bool Register(std::shared_ptr<Connection> const& connection, uint64_t& id);
  void Unregister(uint64_t id);
  bool stopping() const;
  void BeginShutdown();
  void ForceCloseAll();
  // True when every connection is gone before the deadline.
  bool WaitUntilIdle(std::chrono::steady_clock::time_point deadline);

 private:
  HttpServerOptions const& options_;
  Router const& router_;
  boost::asio::thread_pool* workers_ = nullptr;
  boost::asio::thread_pool* outbound_workers_ = nullptr;
  CounterFamily* requests_ = nullptr;
  HistogramFamily* durations_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  bool stopping_ = false;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;
};

// Method as a metric label: the usual verbs, anything else "OTHER" (bounded label values).
std::string_view MethodLabel(std::string_view method);

}  // namespace latchkey::server::internal
