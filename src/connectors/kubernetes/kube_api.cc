#include "connectors/kubernetes/kube_api.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "crypto/encoding.h"

namespace latchkey {
namespace {

constexpr size_t kMaxDetailLength = 200;

std::string ServerBase(KubernetesCredentials const& creds) {
  std::string base = creds.server;
  while (EndsWith(base, "/")) base.pop_back();
  return base;
}

bool Is2xx(long status) { return status >= 200 && status < 300; }

// The `message` of a Kubernetes Status object, for error texts. Servers do not echo credentials,
// but a proxy in front of one might; any message that contains a secret value is dropped.
std::string StatusDetail(HttpResponse const& response, KubernetesCredentials const& creds) {
  auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("message") || !body["message"].is_string()) return "";
  std::string message = body["message"].get<std::string>();
  for (auto const* secret : {&creds.token, &creds.password, &creds.username}) {
    if (*secret && !(*secret)->empty() && message.find(**secret) != std::string::npos) return "";
  }
  if (message.size() > kMaxDetailLength) message = message.substr(0, kMaxDetailLength) + "...";
  return message;
}

tl::unexpected<Error> TransportFailure(KubernetesCredentials const& creds, Error const& cause) {
  // The http layer's message names the URL and libcurl's reason, never a header.
  std::string hint;
  std::string lower = ToLower(cause.message);
  if (lower.find("peer certificate") != std::string::npos ||
      lower.find("ca cert") != std::string::npos) {
    hint =
        " (the server's certificate is not trusted: set 'certificate_authority' to the cluster's "
        "CA certificate, or 'insecure' for a throwaway cluster)";
  } else if (lower.find("local ssl certificate") != std::string::npos ||
             lower.find("private key") != std::string::npos) {
    hint =
        " (the client certificate or key could not be used: check 'client_certificate' and "
        "'client_key')";
  } else if (creds.client_cert_pem && lower.find("receiving data") != std::string::npos) {
    // A TLS alert after the handshake is how servers refuse a client certificate.
    hint =
        " (the server may have refused the client certificate: check 'client_certificate' and "
        "'client_key')";
  } else if (lower.find("ssl") != std::string::npos) {
    hint =
        " (TLS handshake failed: check 'certificate_authority', 'client_certificate', "
        "'client_key' and 'insecure')";
  }
  return Fail(cause.code,
              "cannot reach Kubernetes API server " + creds.server + ": " + cause.message + hint);
}

tl::unexpected<Error> Unauthenticated(KubernetesCredentials const& creds) {
  return Fail(ErrorCode::kUnauthenticated, "authentication to Kubernetes API server " +
                                               creds.server + " failed (401 Unauthorized)");
}

tl::unexpected<Error> UnexpectedStatus(KubernetesCredentials const& creds, std::string const& path,
                                       HttpResponse const& response) {
  std::string detail = StatusDetail(response, creds);
  ErrorCode code =
      response.status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kFailedPrecondition;
  return Fail(code, "Kubernetes API server " + creds.server + " answered GET " + path +
                        " with HTTP " + std::to_string(response.status) +
                        (detail.empty() ? "" : ": " + detail));
}

}  // namespace

HttpRequest MakeKubeApiRequest(KubernetesCredentials const& creds, std::string const& path,
                               std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.method = "GET";
  request.url = ServerBase(creds) + path;
  request.headers.emplace_back("Accept", "application/json");
  if (creds.token) {
    request.headers.emplace_back("Authorization", "Bearer " + *creds.token);
  } else if (creds.username && creds.password) {
    request.headers.emplace_back(
        "Authorization", "Basic " + crypto::Base64Encode(*creds.username + ":" + *creds.password));
  }
  request.tls.insecure = creds.insecure;
  request.tls.ca_pem = creds.ca_pem;
  request.tls.client_cert_pem = creds.client_cert_pem;
  request.tls.client_key_pem = creds.client_key_pem;
  request.timeout = timeout;
  return request;
}

Result<void> VerifyKubeApiAccess(HttpClient& http, KubernetesCredentials const& creds,
                                 std::chrono::milliseconds timeout) {
  // /version first: it is readable by every authenticated user (and often anonymously), so a
  // failure here separates "wrong server / TLS trust" from "wrong credentials".
  std::string const version_path = "/version";
  auto version = http.Send(MakeKubeApiRequest(creds, version_path, timeout));
  if (!version) return TransportFailure(creds, version.error());
  if (version->status == 401) return Unauthenticated(creds);
  if (!Is2xx(version->status) && version->status != 403) {
    return UnexpectedStatus(creds, version_path, *version);
  }

  std::string const probe_path = "/api/v1/namespaces?limit=1";
  auto probe = http.Send(MakeKubeApiRequest(creds, probe_path, timeout));
  if (!probe) return TransportFailure(creds, probe.error());
  if (probe->status == 401) return Unauthenticated(creds);
  if (probe->status == 403) {
    // A 403 names the user it was decided for; for system:anonymous the server ignored our
    // credentials (e.g. a client certificate it does not trust), which is not authentication.
    if (probe->body.find("system:anonymous") != std::string::npos) {
      return Fail(ErrorCode::kUnauthenticated,
                  "Kubernetes API server " + creds.server +
                      " treated the request as anonymous: the configured credentials were not "
                      "recognised");
    }
    return {};
  }
  if (!Is2xx(probe->status)) return UnexpectedStatus(creds, probe_path, *probe);
  return {};
}

}  // namespace latchkey
