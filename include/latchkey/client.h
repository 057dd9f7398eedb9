// Latchkey's C++ client API: short-lived, down-scoped credentials for one resource, obtained
// from a Latchkey server (after `latchkey login`, or LATCHKEY_URL + LATCHKEY_API_TOKEN) or from
// the local store, and fetched again transparently before they expire.
//
//   latchkey::Client client;
//   auto bucket = client.get_service_connector_client("aws-prod", "s3-bucket", "s3://reports");
//   for (auto const& object : bucket.list_objects("2026/")) std::cout << object.key << "\n";
//
// The header needs nothing but the C++20 standard library; link with latchkey::client
// (find_package(latchkey)). Every failure throws latchkey::ClientError with a one-line message
// that never contains a secret value. A Client may be used from several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#define LATCHKEY_API __attribute__((visibility("default")))

namespace latchkey {

class LATCHKEY_API ClientError : public std::runtime_error {
 public:
  ClientError(std::string code, std::string const& message);
  // What went wrong, as the REST API names it: "not_found", "unauthenticated",
  // "permission_denied", "invalid_argument", "unavailable", ...
  std::string const& code() const noexcept { return code_; }

 private:
  std::string code_;
};

struct ClientOptions {
  // Variables read instead of the process environment's: LATCHKEY_HOME, LATCHKEY_URL,
  // LATCHKEY_API_TOKEN, LATCHKEY_CA_FILE, HOME, ... Empty: the process environment.
  std::map<std::string, std::string> environment;
  // Credentials are fetched again once they are this close to expiring.
  std::chrono::seconds refresh_margin{std::chrono::minutes(5)};
};

using SystemTime = std::chrono::system_clock::time_point;

// The client connector for one resource, as `latchkey service-connector describe --client`
// shows it: non-secret settings plus the temporary credential values.
struct Credentials {
  std::string connector_id;
  std::string connector_name;
  std::string connector_type;  // "aws", "kubernetes", "docker", ...
  std::string auth_method;
  std::vector<std::string> resource_types;
  std::optional<std::string> resource_id;
  std::map<std::string, std::string> configuration;  // e.g. region, endpoint_url, server
  std::map<std::string, std::string> secrets;        // the temporary credential values
  std::optional<SystemTime> expires_at;              // none: they do not expire
};

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-lived keys
  std::string region;
  std::string endpoint_url;  // empty: AWS itself
  std::optional<SystemTime> expires_at;
};

struct S3Object {
  std::string key;
  std::uint64_t size = 0;
};

struct RegistryAuth {
  std::string registry;  // as docker's config names it: "ghcr.io", "127.0.0.1:5000", ...
  std::string username;
  std::string password;  // a password or a short-lived token
};

class Client;

// Credentials for one connector and resource, kept up to date: every call below returns
// credentials that are valid for at least the refresh margin (or do not expire).
class LATCHKEY_API ConnectorClient {
 public:
  Credentials credentials();
  // For AWS client connectors (any resource type of the aws connector).
  AwsCredentials aws_credentials();
  // For s3-bucket resources: the objects of the bucket under `prefix` (every page, in order).
  std::vector<S3Object> list_objects(std::string const& prefix = "");
  // For kubernetes-cluster resources: a kubeconfig (YAML) whose current context reaches it.
  std::string kubeconfig();
  // For docker-registry resources: what `docker login` would store.
  RegistryAuth registry_auth();

 private:
  friend class Client;
  struct State;
  explicit ConnectorClient(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

class LATCHKEY_API Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // The connector (name, ID or ID prefix) for one resource; `resource_id` may be empty when the
  // connector is for a single resource. Fetches the credentials at once, so a connector that
  // cannot serve the resource fails here.
  ConnectorClient get_service_connector_client(std::string const& name_or_id,
                                               std::string const& resource_type,
                                               std::string const& resource_id = "");

  // Internal: the implementation, and a Client made from one (tests give it a backend).
  struct Impl;
  explicit Client(std::shared_ptr<Impl> impl);

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace latchkey
