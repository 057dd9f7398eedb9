#include <sys/socket.h>

#include <memory>
#include <random>
#include <thread>

#include "common/strings.h"
#include "http/curl_library.h"
#include "http/http_client.h"
#include "http/outbound_policy.h"
#include "http/retry_policy.h"
#include "http/upstream_name.h"

namespace latchkey {

std::optional<std::string> HttpResponse::Header(std::string const& lowercase_name) const {
  for (auto const& [k, v] : headers) {
    if (k == lowercase_name) return v;
  }
  return std::nullopt;
}

namespace {

// State of a transfer, shared with the read and write callbacks.
struct Stream {
  CurlLibrary const* lib = nullptr;
  CURL* curl = nullptr;
  HttpRequest const* request = nullptr;
  HttpResponse* response = nullptr;
  std::optional<Error> error;  // the caller's reader or sink failed, or the answer was too big
};

// Appends to the in-memory body, refusing (aborting the transfer) past the request's bound, so a
// hostile or broken upstream cannot fill the server's memory.
size_t KeepBody(Stream* s, char const* data, size_t bytes) {
  if (s->response->body.size() + bytes > s->request->max_response_bytes) {
    s->error = Error{ErrorCode::kResourceExhausted,
                     s->request->method + " " + UrlForMessages(s->request->url) +
                         " failed: the answer exceeds " +
                         std::to_string(s->request->max_response_bytes >> 20) + " MiB"};
    return 0;  // anything short aborts the transfer
  }
  s->response->body.append(data, bytes);
  return bytes;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  return KeepBody(static_cast<Stream*>(user), data, size * n);
}

size_t OnStreamedBody(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Stream*>(user);
  long status = 0;
  s->lib->easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300 || !s->request->response_sink) {
    return KeepBody(s, data, size * n);
  }
  if (auto r = s->request->response_sink(data, size * n); !r) {
    s->error = r.error();
    return 0;  // anything short aborts the transfer
  }
  return size * n;
}

size_t OnStreamedRead(char* buffer, size_t size, size_t n, void* user) {
  auto* s = static_cast<Stream*>(user);
  auto got = s->request->body_reader(buffer, size * n);
  if (!got) {
    s->error = got.error();
    return CURL_READFUNC_ABORT;
  }
  return *got;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  auto* headers = static_cast<HttpHeaders*>(user);
  if (StartsWith(line, "HTTP/")) headers->clear();  // a redirect or 100-continue restarts them
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    headers->emplace_back(ToLower(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1)));
  }
  return size * n;
}

struct PolicyCheck {
  OutboundPolicy const* policy = nullptr;
  bool refused = false;
};

// Called by libcurl with each resolved address it is about to connect to (the first one, a
// fallback, or a redirect's): refusing here is after DNS, so no name can smuggle an address in.
curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* check = static_cast<PolicyCheck*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN || !check->policy->Permits(&address->addr)) {
    check->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

void SetBlob(CurlLibrary const& lib, CURL* curl, CURLoption option, std::string const& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  lib.easy_setopt(curl, option, &blob);
}

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(std::shared_ptr<OutboundPolicy const> policy)
      : policy_(std::move(policy)) {}

  // GET and HEAD (idempotent by HTTP's rules, and not streamed into a caller's sink) and POSTs
  // marked safe_to_repeat are sent again after a dropped connection or a 429/502/503/504, with
  // jittered backoff and the server's Retry-After; everything else is sent once. The waits stay
  // within the request's own timeout.
  Result<HttpResponse> Send(HttpRequest const& request) override {
    bool idempotent = (request.method == "GET" || request.method == "HEAD" ||
                       (request.method == "POST" && request.safe_to_repeat)) &&
                      !request.Streaming() && !request.no_retry;
    RetryPolicy policy;
    std::minstd_rand jitter(std::random_device{}());
    auto waited = std::chrono::milliseconds(0);
    for (int attempt = 1;; ++attempt) {
      bool transient = false;
      auto result = SendOnce(request, transient);
      if (!idempotent || attempt >= policy.max_attempts) return result;
      std::optional<std::chrono::milliseconds> retry_after;
      if (result) {
        if (!RetryableStatus(result->status)) return result;
        if (auto header = result->Header("retry-after")) {
          retry_after = ParseRetryAfter(*header, Now());
        }
      } else if (!transient) {
        return result;
      }
      auto delay = RetryDelay(policy, attempt, retry_after, jitter);
      if (waited + delay > request.timeout) return result;
      std::this_thread::sleep_for(delay);
      waited += delay;
    }
  }

 private:
  // One attempt. `transient` is set for a transport failure worth another try: the connection
  // dropped mid-exchange, or closed with no answer or a cut-short one.
  Result<HttpResponse> SendOnce(HttpRequest const& request, bool& transient) {
    auto loaded = LoadCurlLibrary();
    if (!loaded) return tl::unexpected(loaded.error());
    CurlLibrary const& lib = **loaded;
    std::unique_ptr<CURL, void (*)(CURL*)> curl(lib.easy_init(), lib.easy_cleanup);
    if (!curl) return Fail(ErrorCode::kInternal, "could not initialise libcurl");
    CURL* c = curl.get();
    HttpResponse response;
    lib.easy_setopt(c, CURLOPT_URL, request.url.c_str());
    // Send the path exactly as signed: S3 keys may contain "." and ".." segments.
    lib.easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") lib.easy_setopt(c, CURLOPT_NOBODY, 1L);
    Stream stream{&lib, c, &request, &response, std::nullopt};
    if (request.body_reader) {
      lib.easy_setopt(c, CURLOPT_UPLOAD, 1L);
      lib.easy_setopt(c, CURLOPT_READFUNCTION, OnStreamedRead);
      lib.easy_setopt(c, CURLOPT_READDATA, &stream);
      lib.easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_size));
    } else if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      lib.easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      lib.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_slist* header_list = nullptr;
    for (auto const& [k, v] : request.headers) {
      // curl drops "Name: " with an empty value; "Name;" sends it (signed headers may be empty).
      std::string line = v.empty() ? k + ";" : k + ": " + v;
      header_list = lib.slist_append(header_list, line.c_str());
    }
    header_list = lib.slist_append(header_list, "Expect:");
    lib.easy_setopt(c, CURLOPT_HTTPHEADER, header_list);
    if (request.response_sink) {
      lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, OnStreamedBody);
      lib.easy_setopt(c, CURLOPT_WRITEDATA, &stream);
    } else {
      lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
      lib.easy_setopt(c, CURLOPT_WRITEDATA, &stream);
    }
    lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    lib.easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
    if (request.Streaming()) {
      // A stall bound instead of a total one: less than a byte per second for `timeout`.
      lib.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
      lib.easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                      std::max<long>(1, static_cast<long>(request.timeout.count() / 1000)));
    } else {
      lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    }
    lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                    static_cast<long>(std::min<long>(request.timeout.count(), 10000)));
    lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    lib.easy_setopt(c, CURLOPT_USERAGENT, "latchkey/0.1");
    if (request.tls.insecure) {
      lib.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      lib.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (request.tls.ca_pem) {
      SetBlob(lib, c, CURLOPT_CAINFO_BLOB, *request.tls.ca_pem);
    }
    if (request.tls.client_cert_pem && request.tls.client_key_pem) {
      SetBlob(lib, c, CURLOPT_SSLCERT_BLOB, *request.tls.client_cert_pem);
      lib.easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
      SetBlob(lib, c, CURLOPT_SSLKEY_BLOB, *request.tls.client_key_pem);
      lib.easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    }
    PolicyCheck check{policy_.get(), false};
    if (policy_ && !request.instance_metadata) {
      lib.easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
      lib.easy_setopt(c, CURLOPT_OPENSOCKETDATA, &check);
    }
    CURLcode rc = lib.easy_perform(c);
    lib.slist_free_all(header_list);
    if (stream.error) return tl::unexpected(*stream.error);
    if (check.refused) {
      // Deliberately nothing about the address or why: the same answer for every refused
      // target, so the refusal itself reveals nothing about the server's networks.
      return Fail(ErrorCode::kPermissionDenied,
                  request.method + " " + UrlForMessages(request.url) +
                      " refused: the server's outbound policy does not allow this destination");
    }
    if (rc != CURLE_OK) {
      transient = rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
                  rc == CURLE_PARTIAL_FILE;
      ErrorCode code =
          rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kDeadlineExceeded : ErrorCode::kUnavailable;
      // Without its query: a SAS or a presigned URL carries its credential there.
      return Fail(code, request.method + " " + UrlForMessages(request.url) +
                            " failed: " + lib.easy_strerror(rc));
    }
    lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    char* effective = nullptr;
    lib.easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
    response.url = effective ? effective : request.url;
    return response;
  }

  std::shared_ptr<OutboundPolicy const> policy_;
};

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient(std::shared_ptr<OutboundPolicy const> policy) {
  return std::make_unique<CurlHttpClient>(std::move(policy));
}

}  // namespace latchkey
