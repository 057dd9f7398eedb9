#include "cli/credentials_endpoint.h"

#include <openssl/crypto.h>

#include <iostream>
#include <mutex>

#include "cli/credential_formats.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "server/http/http_server.h"
#include "server/http/router.h"

namespace latchkey::cli {
namespace {

constexpr char kPath[] = "/credentials";

// The container endpoint's error shape, which SDKs quote in their own error messages.
server::HttpResponse ProtocolError(int status, std::string const& code,
                                   std::string const& message) {
  return server::JsonResponse(status, {{"code", code}, {"message", message}});
}

bool SameToken(std::string const& given, std::string const& expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

struct CredentialsEndpoint::Impl {
  CredentialsEndpointOptions options;
  std::string token = crypto::HexEncode(crypto::RandomBytes(32));
  server::Router router;
  std::unique_ptr<server::HttpServer> server;

  std::mutex mutex;  // guards the cache and serialises issuance (one backend call at a time)
  std::optional<Connector> cached;
  TimePoint serve_until{};

  void Cache(Connector client, TimePoint now) {
    if (client.expires_at) {
      auto lifetime = *client.expires_at - now;
      auto margin = std::min<std::chrono::seconds>(options.refresh_margin, lifetime / 2);
      serve_until = lifetime.count() > 0 ? *client.expires_at - margin : now;
    } else {
      serve_until = now + options.non_expiring_lifetime;
    }
    cached = std::move(client);
  }

  Result<nlohmann::json> Current() {
    std::lock_guard lock(mutex);
    TimePoint now = options.now();
    if (!cached || now >= serve_until) {
      auto client = options.issue();
      if (!client) return tl::unexpected(client.error());
      Cache(std::move(*client), now);
    }
    return AwsContainerCredentials(*cached, now, options.non_expiring_lifetime);
  }

  server::HttpResponse Handle(server::HttpRequest const& request) {
    auto authorization = request.Header("Authorization");
    if (!authorization || authorization->empty()) {
      return ProtocolError(401, "Unauthorized", "missing Authorization token");
    }
    if (!SameToken(*authorization, token)) {
      return ProtocolError(403, "Forbidden", "invalid Authorization token");
    }
    auto document = Current();
    if (!document) {
      Report("cannot issue credentials: " + document.error().message);
      return ProtocolError(server::HttpStatusFor(document.error().code), "CredentialsUnavailable",
                           document.error().message);
    }
    return server::JsonResponse(200, *document);
  }

  void Report(std::string const& line) {
    if (options.report_error) {
      options.report_error(line);
    } else {
      std::cerr << "latchkey exec: " << line << "\n" << std::flush;
    }
  }
};

CredentialsEndpoint::CredentialsEndpoint(CredentialsEndpointOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

CredentialsEndpoint::~CredentialsEndpoint() { Stop(); }

Result<void> CredentialsEndpoint::Start() {
  Impl* impl = impl_.get();
  if (impl->options.initial) {
    impl->Cache(*impl->options.initial, impl->options.now());
    impl->options.initial.reset();
  }
  impl->router.Add(
      "GET", kPath,
      [impl](server::HttpRequest const& request, server::PathParams const&) {
        return impl->Handle(request);
      },
      "AWS container credentials");
  server::HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;
  // One worker: issuance is serialised anyway, and a second worker would only wait on the lock.
  options.worker_threads = 1;
  options.max_body_bytes = 4096;
  options.shutdown_grace = std::chrono::seconds(2);
  options.error_log = [impl](std::string_view line) { impl->Report(std::string(line)); };
  impl->server = std::make_unique<server::HttpServer>(options, impl->router);
  return impl->server->Start();
}

void CredentialsEndpoint::Stop() {
  if (impl_ && impl_->server) impl_->server->Stop();
}

std::string CredentialsEndpoint::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->server ? impl_->server->port() : 0) + kPath;
}

std::string const& CredentialsEndpoint::token() const { return impl_->token; }

}  // namespace latchkey::cli
