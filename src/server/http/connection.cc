#include "server/http/connection.h"

#include <strings.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <optional>

#include "server/http/request_target.h"

namespace latchkey::server::internal {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// After the last response, how long to keep reading (and discarding) what the client still
// sends before closing: closing a socket with unread input makes the kernel send RST, which can
// destroy a response (typically a 413) before the client has read it.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kReadChunk = 4096;

// Beast 1.74 speaks boost::string_view, which does not convert to std::string_view.
std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The server owns message framing; a handler setting these could corrupt the connection.
bool IsFramingHeader(std::string_view name) {
  for (std::string_view framing : {"content-length", "transfer-encoding", "connection"}) {
    if (name.size() == framing.size() &&
        strncasecmp(name.data(), framing.data(), name.size()) == 0) {
      return true;
    }
  }
  return false;
}

template <class Stream>
class BeastConnection : public Connection,
                        public std::enable_shared_from_this<BeastConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  explicit BeastConnection(ServerCore& core, Args&&... args)
      : core_(core), stream_(std::forward<Args>(args)...), executor_(stream_.get_executor()) {}

  ~BeastConnection() override {
    if (registered_) core_.Unregister(id_);
  }

  void Start() {
    beast::error_code ec;
    auto endpoint = Lowest().socket().remote_endpoint(ec);
    if (!ec) {
      peer_address_ = endpoint.address().to_string();
      peer_port_ = endpoint.port();
    }
    registered_ = core_.Register(this->shared_from_this(), id_);
    net::dispatch(executor_, Bind(&BeastConnection::Begin));
  }

  void BeginShutdown() override {
    net::post(executor_, [self = this->shared_from_this()] {
      State s = self->state_;
      if (s == State::kStarting || s == State::kHandshake || s == State::kIdle) self->Close();
    });
  }

  void ForceClose() override {
    net::post(executor_, [self = this->shared_from_this()] { self->Close(); });
  }

 private:
  enum class State {
    kStarting,
    kHandshake,
    kIdle,
    kReading,
    kHandling,
    kWriting,
    kLingering,
    kClosed
  };

  template <class Method>
  auto Bind(Method method) {
    return beast::bind_front_handler(method, this->shared_from_this());
  }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  HttpServerOptions const& options() const { return core_.options(); }

  void Begin() {
    if (state_ == State::kClosed) return;
    if (!registered_) return Close();
    if constexpr (kTls) {
      state_ = State::kHandshake;
      Lowest().expires_after(options().read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server, Bind(&BeastConnection::OnHandshake));
    } else {
      WaitForRequest();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return Close();
    WaitForRequest();
  }

  // Waits for the first byte of the next request under the idle timeout, so that reading the
  // request itself can have its own (shorter) timeout.
  void WaitForRequest() {
    if (core_.stopping()) return Close();
    if (buffer_.size() > 0) return ReadRequest();  // pipelined: already here
    state_ = State::kIdle;
    Lowest().expires_after(first_request_ ? options().read_timeout : options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk), Bind(&BeastConnection::OnFirstBytes));
  }

  void OnFirstBytes(beast::error_code ec, size_t bytes) {
    if (state_ == State::kClosed) return;
    if (ec) return Close();  // idle timeout, client closed, or shutdown
    buffer_.commit(bytes);
    ReadRequest();
  }

  void ReadRequest() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(
        std::min<size_t>(options().max_header_bytes, std::numeric_limits<uint32_t>::max())));
    parser_->body_limit(options().max_body_bytes);
    Lowest().expires_after(options().read_timeout);
    http::async_read(stream_, buffer_, *parser_, Bind(&BeastConnection::OnRead));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (state_ == State::kClosed) return;
    Lowest().expires_never();  // the handler's time is not the client's
    started_ = Clock::now();
    if (ec == http::error::body_limit) {
      return Reject(
          413, "payload_too_large",
          "the request body exceeds " + std::to_string(options().max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return Reject(431, "header_fields_too_large",
                    "the request line and headers exceed " +
                        std::to_string(options().max_header_bytes) + " bytes");
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return Close();
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return Reject(400, "bad_request", "malformed HTTP request");
    }
    if (ec) return Close();  // read timeout, reset, shutdown

    auto& message = parser_->get();
    first_request_ = false;
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = Upper(View(message.method_string()));
    method_ = MethodLabel(request.method);
    auto target = ParseRequestTarget(View(message.target()));
    if (!target) {
      return Reject(400, "bad_request",
                    "the request target must be a path with valid percent-encoding");
    }
    request.path = std::move(target->path);
    request.query = std::move(target->query);
    for (auto const& field : message) {
      request.headers.emplace_back(View(field.name_string()), View(field.value()));
    }
    request.body = std::move(message.body());
    request.tls = kTls;
    request.peer_address = peer_address_;
    request.peer_port = peer_port_;
    parser_.reset();

    state_ = State::kHandling;
    RouteMatch match = core_.Route(request, target->raw_path);
    auto& pool = core_.PoolFor(match);
    net::post(pool, [self = this->shared_from_this(), request = std::move(request),
                     match = std::move(match)] {
      Handled handled;
      try {
        handled = self->core_.Handle(request, match);
      } catch (...) {  // Handle catches handler exceptions; this is only allocation failure
        handled = {ErrorResponse(Error{ErrorCode::kInternal, "internal server error"}),
                   std::string(kUnmatchedRoute)};
      }
      net::post(self->executor_, [self, handled = std::move(handled)]() mutable {
        self->Respond(std::move(handled.response), std::move(handled.route), /*close=*/false);
      });
    });
  }

  // An error found before any handler ran; the rest of the input cannot be trusted, so the
  // connection closes after the response.
  void Reject(int status, std::string_view code, std::string const& message) {
    if (parser_ && parser_->is_header_done()) {
      method_ = MethodLabel(Upper(View(parser_->get().method_string())));
      version_ = parser_->get().version();
    }
    parser_.reset();
    Respond(ErrorResponse(status, code, message), std::string(kUnmatchedRoute), /*close=*/true);
  }

  void Respond(HttpResponse response, std::string route, bool close) {
    if (state_ == State::kClosed) return;  // force-closed while the handler ran
    state_ = State::kWriting;
    // Recorded before the write so a client that has its response also sees it counted.
    core_.Record(method_, route, response.status, Clock::now() - started_);
    AddDefaultHeaders(response);
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    for (auto const& [name, value] : response.headers) {
      bool injects = name.find_first_of("\r\n:") != std::string::npos ||
                     value.find_first_of("\r\n") != std::string::npos;
      if (injects) core_.LogError("dropped a response header with CR, LF or ':' in its name");
      if (injects || name.empty() || IsFramingHeader(name)) continue;
      response_.insert(name, value);
    }
    // Beast refuses (throws on) a body with these statuses, which admit none.
    if (response.status == 204 || response.status == 304) response.body.clear();
    response_.body() = std::move(response.body);
    close_after_write_ = close || !keep_alive_ || core_.stopping();
    response_.keep_alive(!close_after_write_);
    response_.prepare_payload();
    Lowest().expires_after(options().read_timeout);  // a client that never reads is dropped
    http::async_write(stream_, response_, Bind(&BeastConnection::OnWrite));
  }

  void OnWrite(beast::error_code ec, size_t) {
    response_ = {};
    if (state_ == State::kClosed) return;
    if (ec) return Close();
    if (close_after_write_) return Linger();
    WaitForRequest();
  }

  void Linger() {
    state_ = State::kLingering;
    Lowest().expires_after(kLingerTimeout);
    if constexpr (kTls) {
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->Close(); });
    } else {
      beast::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return Close();
      buffer_.clear();
      Drain();
    }
  }

  void Drain() {
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (self->state_ == State::kClosed) return;
                              if (ec) return self->Close();  // EOF: the client has closed too
                              self->Drain();
                            });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  ServerCore& core_;
  Stream stream_;
  net::any_io_executor executor_;  // the strand every member below is used on
  uint64_t id_ = 0;
  bool registered_ = false;
  std::string peer_address_;
  int peer_port_ = 0;

  State state_ = State::kStarting;
  bool first_request_ = true;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool close_after_write_ = true;
  http::response<http::string_body> response_;
  // For the metrics and the access log of the exchange in progress.
  std::string_view method_ = "OTHER";
  Clock::time_point started_;
};

}  // namespace

void ServePlain(tcp::socket socket, ServerCore& core) {
  std::make_shared<BeastConnection<beast::tcp_stream>>(core, std::move(socket))->Start();
}

void ServeTls(tcp::socket socket, net::ssl::context& tls, ServerCore& core) {
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;
  std::make_shared<BeastConnection<TlsStream>>(core, std::move(socket), tls)->Start();
}

}  // namespace latchkey::server::internal
