// The HTTP/1.1 server behind `latchkey server`: keep-alive connections served by a few I/O
// threads, handlers run on a separate worker pool so a slow database or cloud call never holds up
// another client's I/O, optional TLS, request-size and time limits, Prometheus request metrics
// and a graceful stop. Boost.Beast stays behind this header (pimpl).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "server/http/router.h"
#include "server/metrics.h"

namespace latchkey::server {

// One finished exchange. Deliberately no path, query, headers or body: those can carry secrets.
struct AccessLogEntry {
  std::string_view method;  // normalised: GET, POST, ... or OTHER
  std::string_view route;   // the route template, or "unmatched"
  int status = 0;
  std::chrono::microseconds duration{0};
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port, see HttpServer::port()
  // Both set: HTTPS with this PEM certificate chain and key. Both empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  int io_threads = 2;
  int worker_threads = 8;
  // Handlers of outbound routes (Router::AddOutbound): provider calls that may each wait for
  // their whole timeout. Their own pool, so they never delay store reads.
  int outbound_threads = 16;
  size_t max_body_bytes = 1 << 20;     // larger: 413
  size_t max_header_bytes = 16 << 10;  // request line + headers; larger: 431
  // Reading one request (after its first byte) and writing one response must each finish within
  // read_timeout; a keep-alive connection may wait idle_timeout for its next request. A new
  // connection gets read_timeout for its first byte (and the TLS handshake).
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // How long Stop() lets in-flight requests finish before closing their connections.
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};

  // Where latchkey_http_requests_total and latchkey_http_request_duration_seconds go; none
  // recorded when null. Must outlive the server.
  MetricsRegistry* metrics = nullptr;
  // Called once per response on an I/O thread; keep it quick. Null: no access log.
  std::function<void(AccessLogEntry const&)> access_log;
  // Server-side failures (a throwing handler, an accept error). Null: one line on stderr.
  std::function<void(std::string_view)> error_log;
};

class HttpServer {
 public:
  // The router must outlive the server and gain no routes after Start().
  HttpServer(HttpServerOptions options, Router const& router);
  ~HttpServer();  // Stop()s if running
  HttpServer(HttpServer const&) = delete;
  HttpServer& operator=(HttpServer const&) = delete;

  // Checks the routes, loads TLS material, binds and starts serving. Fails with one line such
  // as "cannot listen on 127.0.0.1:8443: Address already in use" or "TLS key file '/k.pem' does
  // not match the certificate". Only once per server.
  Result<void> Start();

  // The bound port (useful with port 0); 0 before Start().
  uint16_t port() const;
  bool tls() const;

  // Graceful and idempotent: stops accepting, closes idle keep-alive connections, lets requests
  // in flight finish (their responses carry Connection: close) for up to shutdown_grace, then
  // closes the rest and joins every thread. A handler still running after the grace period is
  // waited for (threads cannot be killed), so handlers should bound their own blocking calls.
  // Must not be called from a handler.
  void Stop();

  // Blocks until Stop() has completed (returns at once if the server never started).
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latchkey::server
