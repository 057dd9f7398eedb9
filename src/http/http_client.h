// The one seam through which every outbound HTTP call passes. Connectors take an HttpClient&, so
// unit tests hand in a scripted fake and integration tests reach real peers through libcurl.
#pragma once

#include <chrono>
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
  std::chrono::milliseconds timeout{15000};
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names lowercased
  std::string body;

  std::optional<std::string> Header(std::string const& lowercase_name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Transport failures (DNS, connect, TLS, timeout) are errors; any HTTP status is a response.
  virtual Result<HttpResponse> Send(HttpRequest const& request) = 0;
};

std::unique_ptr<HttpClient> MakeCurlHttpClient();

}  // namespace latchkey
