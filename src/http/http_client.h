// The one seam through which every outbound HTTP call passes. Connectors take an HttpClient&, so
// unit tests hand in a scripted fake and integration tests reach real peers through libcurl.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace latchkey {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct TlsOptions {
  std::optional<std::string> ca_pem;           // trust only this CA bundle when set
  bool insecure = false;                       // skip peer verification (explicit opt-in)
  std::optional<std::string> client_cert_pem;  // mutual TLS
  std::optional<std::string> client_key_pem;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  TlsOptions tls;
  // With a streamed body in either direction, how long the transfer may stall (no byte moving)
  // rather than how long it may take: big objects take as long as they take.
  std::chrono::milliseconds timeout{15000};

  // Streaming upload, instead of `body`: asked for the next bytes (at most `capacity`) until
  // `body_size` bytes have been read; an error aborts the request with that error.
  std::function<Result<size_t>(char* buffer, size_t capacity)> body_reader;
  uint64_t body_size = 0;
  // Streaming download: a 2xx answer's body is handed over as it arrives instead of filling
  // HttpResponse::body (other answers still fill it, for their error text). An error aborts.
  std::function<Result<void>(char const* data, size_t size)> response_sink;

  // The server's own instance metadata service (implicit authentication: IMDS, the GCE metadata
  // server, Azure's managed identity endpoint), at an address the operator configured, never one
  // a user chose. Only these requests pass the outbound policy's link-local denial.
  bool instance_metadata = false;
  // Bound on an answer kept in memory (every non-streamed body, and error bodies of streamed
  // ones); a larger one fails with kResourceExhausted before more than this is held.
  size_t max_response_bytes = size_t{32} << 20;
  // GET and HEAD are retried after transient failures unless the caller retries on its own
  // (AWS's signed calls do, with the same policy).
  bool no_retry = false;
  // A POST that may be sent again like a GET because repeating it changes nothing upstream: it
  // only mints a fresh token from a credential that stays valid (OAuth2 JWT-bearer and
  // client-credentials grants, Google's STS exchange and generateAccessToken, ACR's refresh
  // token exchange). A refresh-token grant is not: a server that rotates refresh tokens would see
  // the old one twice and may revoke the grant. Other POSTs are never retried blindly.
  bool safe_to_repeat = false;

  bool Streaming() const { return body_reader || response_sink; }
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names lowercased
  std::string body;
  // Where the answer came from (after redirects), for error messages: name it through
  // http/upstream_name.h, never whole (its query may carry a credential).
  std::string url = {};

  std::optional<std::string> Header(std::string const& lowercase_name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Transport failures (DNS, connect, TLS, timeout) are errors; any HTTP status is a response.
  virtual Result<HttpResponse> Send(HttpRequest const& request) = 0;
};

class OutboundPolicy;
// `policy` (the server's; none in the CLI, which acts from its user's own machine) is checked on
// every connection, after DNS resolution: a refused one fails with kPermissionDenied.
std::unique_ptr<HttpClient> MakeCurlHttpClient(
    std::shared_ptr<OutboundPolicy const> policy = nullptr);

}  // namespace latchkey
