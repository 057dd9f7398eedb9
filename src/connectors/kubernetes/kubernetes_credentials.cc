#include "connectors/kubernetes/kubernetes_credentials.h"

#include "common/inert_text.h"
#include "common/strings.h"
#include "connectors/kubernetes/kubernetes_spec.h"
#include "crypto/encoding.h"

namespace latchkey {
namespace {

constexpr std::string_view kPemMarker = "-----BEGIN ";

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

// Empty values count as unset: upstream accepts an empty token for certificate-only clusters
// (k3d), and forms and CLIs often send "" for a field left blank.
std::optional<std::string> NonBlank(std::optional<std::string> value) {
  if (!value || Trim(*value).empty()) return std::nullopt;
  return value;
}

Result<std::optional<std::string>> OptionalPem(Connector const& c, char const* field) {
  auto raw = NonBlank(c.Value(field));
  if (!raw) return std::optional<std::string>{};
  auto pem = NormalizePem(*raw, field);
  if (!pem) return tl::unexpected(pem.error());
  return std::optional<std::string>(std::move(*pem));
}

Result<std::string> NormalizeServer(std::string_view raw) {
  std::string server = Trim(raw);
  while (EndsWith(server, "/")) server.pop_back();
  std::string lower = ToLower(server);
  bool has_scheme = StartsWith(lower, "https://") || StartsWith(lower, "http://");
  bool has_host = has_scheme && lower.size() > lower.find("://") + 3;
  if (!has_host || server.find_first_of(" \t\r\n") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                "the Kubernetes 'server' must be an http(s) URL such as "
                "https://cluster.example.com:6443, got '" +
                    server + "'");
  }
  return server;
}

}  // namespace

std::string KubernetesCredentials::AuthMethod() const {
  return (username || password) ? kKubernetesPasswordMethod : kKubernetesTokenMethod;
}

Result<std::string> NormalizePem(std::string_view value, std::string_view field) {
  std::string text = Trim(value);
  if (StartsWith(text, kPemMarker)) return text + "\n";
  auto decoded = crypto::Base64Decode(text);
  if (decoded) {
    std::string pem = Trim(*decoded);
    if (StartsWith(pem, kPemMarker)) return pem + "\n";
  }
  return Fail(ErrorCode::kInvalidArgument,
              "the " + Quoted(field) + " value is neither PEM nor base64-encoded PEM");
}

Result<void> ValidateKubernetesCredentials(KubernetesCredentials const& creds) {
  if (auto server = NormalizeServer(creds.server); !server) return tl::unexpected(server.error());
  if (Trim(creds.cluster_name).empty()) {
    return Fail(ErrorCode::kInvalidArgument, "the Kubernetes 'cluster_name' must not be empty");
  }
  // A kubeconfig (YAML) cannot carry control characters or invalid UTF-8 faithfully: kubectl
  // would read another value than the one written. None belongs in a name or credential anyway.
  for (auto const& [field, value] : {std::pair{"cluster_name", std::optional(creds.cluster_name)},
                                     {"token", creds.token},
                                     {"username", creds.username},
                                     {"password", creds.password}}) {
    if (value && HasUnsafeText(*value)) {
      return Fail(ErrorCode::kInvalidArgument, std::string("the Kubernetes '") + field +
                                                   "' holds control characters or invalid UTF-8");
    }
  }
  if (creds.AuthMethod() == kKubernetesPasswordMethod) {
    if (!creds.username || creds.username->empty() || !creds.password || creds.password->empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the 'password' method needs both a 'username' and a 'password'");
    }
    if (creds.token || creds.client_cert_pem || creds.client_key_pem) {
      return Fail(ErrorCode::kInvalidArgument,
                  "a username and password cannot be combined with a token or client "
                  "certificate; use the 'token' method for those");
    }
    return {};
  }
  if (creds.client_cert_pem.has_value() != creds.client_key_pem.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                creds.client_cert_pem
                    ? "a 'client_certificate' needs its 'client_key' (the private key is missing)"
                    : "a 'client_key' needs its 'client_certificate' (the certificate is missing)");
  }
  if (!creds.token && !creds.client_cert_pem) {
    return Fail(ErrorCode::kInvalidArgument,
                "the 'token' method needs a 'token', or a 'client_certificate' together with its "
                "'client_key'");
  }
  return {};
}

Result<KubernetesCredentials> KubernetesCredentialsFromConnector(Connector const& c) {
  if (!c.connector_type.empty() && c.connector_type != kKubernetesConnectorType) {
    return Fail(ErrorCode::kInvalidArgument,
                "connector of type '" + c.connector_type + "' is not a Kubernetes connector");
  }
  KubernetesCredentials creds;
  auto server = NonBlank(c.Value(kube_field::kServer));
  if (!server) {
    return Fail(ErrorCode::kInvalidArgument, "the Kubernetes connector has no 'server' configured");
  }
  auto normalized = NormalizeServer(*server);
  if (!normalized) return tl::unexpected(normalized.error());
  creds.server = std::move(*normalized);

  auto cluster = NonBlank(c.Value(kube_field::kClusterName));
  if (!cluster) {
    return Fail(ErrorCode::kInvalidArgument,
                "the Kubernetes connector has no 'cluster_name' configured");
  }
  creds.cluster_name = Trim(*cluster);
  creds.insecure = c.BoolValue(kube_field::kInsecure);
  auto ca = OptionalPem(c, kube_field::kCertificateAuthority);
  if (!ca) return tl::unexpected(ca.error());
  creds.ca_pem = std::move(*ca);

  if (c.auth_method == kKubernetesPasswordMethod) {
    creds.username = NonBlank(c.Value(kube_field::kUsername));
    creds.password = NonBlank(c.Value(kube_field::kPassword));
    if (!creds.username || !creds.password) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the 'password' method needs both a 'username' and a 'password'");
    }
  } else if (c.auth_method == kKubernetesTokenMethod) {
    if (auto token = NonBlank(c.Value(kube_field::kToken))) creds.token = Trim(*token);
    auto cert = OptionalPem(c, kube_field::kClientCertificate);
    if (!cert) return tl::unexpected(cert.error());
    auto key = OptionalPem(c, kube_field::kClientKey);
    if (!key) return tl::unexpected(key.error());
    creds.client_cert_pem = std::move(*cert);
    creds.client_key_pem = std::move(*key);
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown authentication method '" + c.auth_method +
                    "' for a Kubernetes connector; use 'password' or 'token'");
  }
  if (auto valid = ValidateKubernetesCredentials(creds); !valid) {
    return tl::unexpected(valid.error());
  }
  return creds;
}

Connector KubernetesConnectorFromCredentials(KubernetesCredentials const& creds) {
  Connector c;
  c.connector_type = kKubernetesConnectorType;
  c.auth_method = creds.AuthMethod();
  c.resource_types = {kKubernetesClusterResourceType};
  c.resource_id = creds.cluster_name;
  c.supports_instances = false;
  c.configuration = nlohmann::json::object();
  c.configuration[kube_field::kServer] = creds.server;
  c.configuration[kube_field::kInsecure] = creds.insecure;
  c.configuration[kube_field::kClusterName] = creds.cluster_name;
  auto put = [&c](char const* field, std::optional<std::string> const& value) {
    if (value) c.secrets[field] = *value;
  };
  put(kube_field::kCertificateAuthority, creds.ca_pem);
  put(kube_field::kUsername, creds.username);
  put(kube_field::kPassword, creds.password);
  put(kube_field::kToken, creds.token);
  put(kube_field::kClientCertificate, creds.client_cert_pem);
  put(kube_field::kClientKey, creds.client_key_pem);
  return c;
}

}  // namespace latchkey
