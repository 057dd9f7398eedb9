#include "cli/credential_formats.h"

#include "connectors/aws/aws_spec.h"
#include "connectors/docker/docker_spec.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "connectors/kubernetes/kubernetes_spec.h"

namespace latchkey::cli {
namespace {

tl::unexpected<Error> WrongType(Connector const& client, std::string const& wanted,
                                std::string const& protocol) {
  std::string issued = client.connector_type;
  if (!client.resource_types.empty()) issued += " " + client.resource_types.front();
  return Fail(ErrorCode::kInvalidArgument, "connector '" + client.name + "' issues " + issued +
                                               " credentials, not " + wanted + " credentials; " +
                                               protocol + " needs " + wanted + " credentials");
}

struct AwsKeys {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
};

Result<AwsKeys> AwsKeysOf(Connector const& client, std::string const& protocol) {
  if (client.connector_type != aws::kConnectorType) return WrongType(client, "AWS", protocol);
  auto id = client.Value("aws_access_key_id");
  auto secret = client.Value("aws_secret_access_key");
  if (!id || id->empty() || !secret || secret->empty()) {
    return Fail(ErrorCode::kInternal,
                "connector '" + client.name + "' issued AWS credentials without access keys");
  }
  AwsKeys keys{*id, *secret, client.Value("aws_session_token")};
  if (keys.session_token && keys.session_token->empty()) keys.session_token.reset();
  return keys;
}

}  // namespace

std::string Rfc3339(TimePoint t) { return FormatIso8601(t); }

Result<nlohmann::json> AwsProcessCredentials(Connector const& client) {
  auto keys = AwsKeysOf(client, "an AWS credential_process");
  if (!keys) return tl::unexpected(keys.error());
  nlohmann::json out = {{"Version", 1},
                        {"AccessKeyId", keys->access_key_id},
                        {"SecretAccessKey", keys->secret_access_key}};
  if (keys->session_token) out["SessionToken"] = *keys->session_token;
  // Absent means "never expires" to the SDKs, which is what long-lived keys are.
  if (client.expires_at) out["Expiration"] = Rfc3339(*client.expires_at);
  return out;
}

Result<nlohmann::json> AwsContainerCredentials(Connector const& client, TimePoint now,
                                               std::chrono::seconds fallback_lifetime) {
  auto keys = AwsKeysOf(client, "the AWS container credentials endpoint");
  if (!keys) return tl::unexpected(keys.error());
  TimePoint expiry = client.expires_at ? *client.expires_at : now + fallback_lifetime;
  return nlohmann::json{{"AccessKeyId", keys->access_key_id},
                        {"SecretAccessKey", keys->secret_access_key},
                        {"Token", keys->session_token.value_or("")},
                        {"Expiration", Rfc3339(expiry)}};
}

Result<nlohmann::json> KubernetesExecCredential(Connector const& client) {
  if (client.connector_type != kKubernetesConnectorType) {
    return WrongType(client, "Kubernetes", "a kubectl exec credential plugin");
  }
  auto creds = KubernetesCredentialsFromConnector(client);
  if (!creds) return tl::unexpected(creds.error());
  nlohmann::json status = nlohmann::json::object();
  if (creds->token) status["token"] = *creds->token;
  if (creds->client_cert_pem && creds->client_key_pem) {
    status["clientCertificateData"] = *creds->client_cert_pem;
    status["clientKeyData"] = *creds->client_key_pem;
  }
  if (status.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "connector '" + client.name +
                    "' authenticates to its cluster with a username and password, which the "
                    "Kubernetes exec credential protocol cannot carry; use `service-connector "
                    "login --static` instead");
  }
  if (client.expires_at) status["expirationTimestamp"] = Rfc3339(*client.expires_at);
  return nlohmann::json{{"apiVersion", "client.authentication.k8s.io/v1"},
                        {"kind", "ExecCredential"},
                        {"status", status}};
}

Result<nlohmann::json> DockerHelperCredentials(Connector const& client,
                                               std::string const& server_url) {
  if (client.connector_type != docker::kConnectorType) {
    return WrongType(client, "Docker registry", "a docker credential helper");
  }
  auto username = client.Value(docker::kUsernameField);
  auto password = client.Value(docker::kPasswordField);
  if (!username || username->empty() || !password || password->empty()) {
    return Fail(ErrorCode::kInternal,
                "connector '" + client.name + "' issued a registry login without credentials");
  }
  return nlohmann::json{{"ServerURL", server_url}, {"Username", *username}, {"Secret", *password}};
}

}  // namespace latchkey::cli
