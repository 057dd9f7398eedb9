#include "server/http/http_server.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "server/http/connection.h"
#include "server/http/server_core.h"

namespace latchkey::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Accept failures such as EMFILE repeat until a descriptor frees up; retrying at once would spin.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

Result<void> CheckReadable(std::string const& path, std::string_view what) {
  std::ifstream file(path);
  if (!file) {
    return Fail(ErrorCode::kInvalidArgument, "cannot read " + std::string(what) + " file '" + path +
                                                 "': " + std::strerror(errno));
  }
  return {};
}

bool IsPemPrivateKey(std::string const& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!bio) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  ERR_clear_error();
  return key != nullptr;
}

// A server context with the certificate chain and key; TLS 1.2 or newer only.
Result<void> LoadTls(net::ssl::context& context, std::string const& cert_file,
                     std::string const& key_file) {
  if (cert_file.empty() || key_file.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "TLS needs both a certificate file and a key file (got only one)");
  }
  if (auto readable = CheckReadable(cert_file, "TLS certificate"); !readable) return readable;
  if (auto readable = CheckReadable(key_file, "TLS key"); !readable) return readable;
  context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  context.use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument, "TLS certificate file '" + cert_file +
                                                 "' holds no usable PEM certificate (" +
                                                 ec.message() + ")");
  }
  context.use_private_key_file(key_file, net::ssl::context::pem, ec);
  // OpenSSL refuses a key that does not belong to the certificate at this same step; telling
  // the two apart saves the operator from hunting for a parse problem that is not there.
  if (ec && !IsPemPrivateKey(key_file)) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "TLS key file '" + key_file + "' holds no usable PEM private key (" + ec.message() + ")");
  }
  if (ec || SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "TLS key file '" + key_file + "' does not match the certificate");
  }
  return {};
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Router const& router)
      : options_(std::move(options)),
        router_(router),
        core_(options_, router_),
        io_(std::max(1, options_.io_threads)) {}

  Result<void> Start();
  void Stop();
  void Wait();
  uint16_t port() const { return port_; }
  bool tls() const { return tls_.has_value(); }

 private:
  enum class Phase { kNew, kRunning, kStopped };

  Result<void> Listen();
  void Accept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);
  void RunIo();

  // Declaration order is destruction order reversed: connections still held by queued handlers
  // die with io_ or workers_, and they need core_ and tls_ alive to unregister and shut down.
  HttpServerOptions options_;
  Router const& router_;
  internal::ServerCore core_;
  std::optional<net::ssl::context> tls_;
  net::io_context io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::steady_timer> accept_retry_;
  std::optional<net::thread_pool> workers_;
  std::optional<net::thread_pool> outbound_workers_;
  std::vector<std::thread> io_threads_;
  uint16_t port_ = 0;

  std::mutex stop_mu_;  // one Stop() at a time; a second caller waits for the first
  std::mutex phase_mu_;
  std::condition_variable phase_cv_;
  Phase phase_ = Phase::kNew;
};

Result<void> HttpServer::Impl::Start() {
  {
    std::lock_guard lock(phase_mu_);
    if (phase_ != Phase::kNew) {
      return Fail(ErrorCode::kFailedPrecondition, "the HTTP server was already started");
    }
  }
  if (auto routes = router_.Check(); !routes) return routes;
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    tls_.emplace(net::ssl::context::tls_server);
    if (auto loaded = LoadTls(*tls_, options_.tls_cert_file, options_.tls_key_file); !loaded) {
      tls_.reset();
      return loaded;
    }
  }
  if (auto listening = Listen(); !listening) return listening;

  workers_.emplace(static_cast<size_t>(std::max(1, options_.worker_threads)));
  outbound_workers_.emplace(static_cast<size_t>(std::max(1, options_.outbound_threads)));
  core_.set_workers(&*workers_, &*outbound_workers_);
  work_.emplace(io_.get_executor());
  accept_retry_.emplace(acceptor_->get_executor());
  net::post(acceptor_->get_executor(), [this] { Accept(); });
  for (int i = 0; i < std::max(1, options_.io_threads); ++i)
    io_threads_.emplace_back([this] { RunIo(); });
  std::lock_guard lock(phase_mu_);
  phase_ = Phase::kRunning;
  return {};
}

Result<void> HttpServer::Impl::Listen() {
  std::string where = options_.host + ":" + std::to_string(options_.port);
  auto fail = [&](boost::system::error_code const& ec) {
    acceptor_.reset();
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + ec.message());
  };
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "cannot resolve listen address '" + options_.host +
                                                 "': " + (ec ? ec.message() : "no address"));
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  // The acceptor gets its own strand so Stop() can close it from another thread safely.
  acceptor_.emplace(net::make_strand(io_));
  acceptor_->open(endpoint.protocol(), ec);
  if (ec) return fail(ec);
  // Lets a restarted server bind while old connections sit in TIME_WAIT; it does not let two
  // live listeners share the port on Linux.
  acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail(ec);
  acceptor_->bind(endpoint, ec);
  if (ec) return fail(ec);
  acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail(ec);
  port_ = acceptor_->local_endpoint(ec).port();
  return {};
}

void HttpServer::Impl::Accept() {
  acceptor_->async_accept(net::make_strand(io_),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            OnAccept(ec, std::move(socket));
                          });
}

void HttpServer::Impl::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_->is_open()) return;
  if (ec) {
    core_.LogError("accepting a connection failed: " + ec.message());
    accept_retry_->expires_after(kAcceptRetryDelay);
    accept_retry_->async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor_->is_open()) Accept();
    });
    return;
  }
  if (tls_) {
    internal::ServeTls(std::move(socket), *tls_, core_);
  } else {
    internal::ServePlain(std::move(socket), core_);
  }
  Accept();
}

void HttpServer::Impl::RunIo() {
  // An exception escaping a completion handler unwinds run(); the thread re-enters it so the
  // server keeps its full complement of I/O threads.
  while (true) {
    try {
      io_.run();
      return;
    } catch (std::exception const& e) {
      core_.LogError(std::string("I/O thread caught: ") + e.what());
    }
  }
}

void HttpServer::Impl::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(phase_mu_);
    if (phase_ == Phase::kStopped) return;
    if (phase_ == Phase::kNew) {
      phase_ = Phase::kStopped;
      phase_cv_.notify_all();
      return;
    }
  }
  net::post(acceptor_->get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_->cancel();
  });
  core_.BeginShutdown();
  auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  if (!core_.WaitUntilIdle(deadline)) {
    core_.LogError("shutdown grace period over; closing connections with requests in flight");
  }
  work_.reset();
  io_.stop();
  for (std::thread& thread : io_threads_) thread.join();
  io_threads_.clear();
  // What the grace period left: close those connections on this thread (the I/O threads are
  // gone) so their clients see the connection end now rather than when the server is destroyed.
  core_.ForceCloseAll();
  io_.restart();
  io_.poll();
  workers_->join();  // waits for a handler still running; see the header
  outbound_workers_->join();
  io_.poll();
  {
    std::lock_guard lock(phase_mu_);
    phase_ = Phase::kStopped;
  }
  phase_cv_.notify_all();
}

void HttpServer::Impl::Wait() {
  std::unique_lock lock(phase_mu_);
  phase_cv_.wait(lock, [&] { return phase_ != Phase::kRunning; });
}

HttpServer::HttpServer(HttpServerOptions options, Router const& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() { impl_->Stop(); }

Result<void> HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
bool HttpServer::tls() const { return impl_->tls(); }
void HttpServer::Stop() { impl_->Stop(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace latchkey::server
