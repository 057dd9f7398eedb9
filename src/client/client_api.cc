// The public C++ client API (include/latchkey/client.h) on top of the Backend seam: the same
// backend the CLI opens, a refresh rule, and views of a client connector for each ecosystem.
#include <fmt/format.h>
#include <latchkey/client.h>

#include <mutex>

#include "client/client_api_internal.h"
#include "client/open_backend.h"
#include "connectors/aws/aws_resource_ids.h"
#include "connectors/aws/aws_session.h"
#include "connectors/aws/service_apis.h"
#include "connectors/kubernetes/kubeconfig_writer.h"
#include "connectors/kubernetes/kubernetes_credentials.h"

namespace latchkey {

ClientError::ClientError(std::string code, std::string const& message)
    : std::runtime_error(message), code_(std::move(code)) {}

namespace {

[[noreturn]] void Throw(Error const& e) {
  throw ClientError(std::string(ErrorCodeName(e.code)), e.message);
}

template <class T>
T Unwrap(Result<T> r) {
  if (!r) Throw(r.error());
  return std::move(*r);
}

std::string Text(nlohmann::json const& j) {
  return j.is_string() ? j.get<std::string>() : j.dump();
}

Credentials ToPublic(Connector const& c) {
  Credentials out;
  out.connector_id = c.id;
  out.connector_name = c.name;
  out.connector_type = c.connector_type;
  out.auth_method = c.auth_method;
  out.resource_types = c.resource_types;
  out.resource_id = c.resource_id;
  for (auto const& [key, value] : c.configuration.items()) out.configuration[key] = Text(value);
  out.secrets = c.secrets;
  if (c.expires_at) out.expires_at = SystemTime(*c.expires_at);
  return out;
}

void RequireType(Connector const& c, char const* type, char const* what) {
  if (c.connector_type != type) {
    Throw(Error{ErrorCode::kInvalidArgument,
                fmt::format("connector '{}' issued {} credentials, not {}", c.name,
                            c.connector_type, what)});
  }
}

}  // namespace

Client::Impl::Impl(Environment environment, std::chrono::seconds margin,
                   std::unique_ptr<Backend> backend_in)
    : env(std::move(environment)),
      refresh_margin(margin),
      backend(std::move(backend_in)),
      http(MakeCurlHttpClient()) {}

Connector Client::Impl::Issue(std::string const& name_or_id, std::string const& resource_type,
                              OptString const& resource_id) {
  std::lock_guard lock(mu);
  return Unwrap(backend->GetConnectorClient(name_or_id, resource_type, resource_id));
}

Context Client::Impl::MakeContext() { return Context{*http, Now(), env, false}; }

Client::Client(ClientOptions options) {
  Environment env =
      options.environment.empty() ? Environment::FromProcess() : Environment(options.environment);
  auto backend = Unwrap(OpenConfiguredBackend(env));
  impl_ = std::make_shared<Impl>(std::move(env), options.refresh_margin, std::move(backend));
}

Client::Client(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

ConnectorClient Client::get_service_connector_client(std::string const& name_or_id,
                                                     std::string const& resource_type,
                                                     std::string const& resource_id) {
  auto state = std::make_shared<ConnectorClient::State>();
  state->client = impl_;
  state->name_or_id = name_or_id;
  state->resource_type = resource_type;
  if (!resource_id.empty()) state->resource_id = resource_id;
  state->Current();  // fails here, not at first use, when the connector cannot serve it
  return ConnectorClient(std::move(state));
}

Connector ConnectorClient::State::Current() {
  std::lock_guard lock(mu);
  bool stale = !connector ||
               (connector->expires_at && Now() + client->refresh_margin >= *connector->expires_at);
  if (stale) connector = client->Issue(name_or_id, resource_type, resource_id);
  return *connector;
}

Credentials ConnectorClient::credentials() { return ToPublic(state_->Current()); }

AwsCredentials ConnectorClient::aws_credentials() {
  Connector c = state_->Current();
  RequireType(c, "aws", "AWS credentials");
  Context ctx = state_->client->MakeContext();
  auto creds = Unwrap(aws::ConfiguredCredentials(ctx, c));
  auto endpoint = aws::EndpointOf(c);
  AwsCredentials out{creds.access_key_id,
                     creds.secret_access_key,
                     creds.session_token.value_or(""),
                     endpoint.region,
                     endpoint.CustomUrl("s3").value_or(""),
                     std::nullopt};
  if (creds.expiration) out.expires_at = SystemTime(*creds.expiration);
  return out;
}

std::vector<S3Object> ConnectorClient::list_objects(std::string const& prefix) {
  Connector c = state_->Current();
  RequireType(c, "aws", "AWS credentials");
  if (!c.resource_id || c.resource_id->rfind("s3://", 0) != 0) {
    Throw(Error{ErrorCode::kInvalidArgument,
                "list_objects needs a client for one s3-bucket resource (s3://BUCKET)"});
  }
  Context ctx = state_->client->MakeContext();
  auto creds = Unwrap(aws::ConfiguredCredentials(ctx, c));
  auto objects = Unwrap(
      aws::ListObjects(ctx, aws::EndpointOf(c), creds, aws::BucketName(*c.resource_id), prefix));
  std::vector<S3Object> out;
  out.reserve(objects.size());
  for (auto& o : objects) out.push_back({std::move(o.key), o.size});
  return out;
}

std::string ConnectorClient::kubeconfig() {
  Connector c = state_->Current();
  RequireType(c, "kubernetes", "Kubernetes credentials");
  auto creds = Unwrap(KubernetesCredentialsFromConnector(c));
  return Unwrap(MergeKubeconfigText("", "kubeconfig", creds));
}

RegistryAuth ConnectorClient::registry_auth() {
  Connector c = state_->Current();
  RequireType(c, "docker", "registry credentials");
  auto field = [&c](char const* name) -> std::string {
    if (auto it = c.secrets.find(name); it != c.secrets.end()) return it->second;
    auto v = c.configuration.find(name);
    return v != c.configuration.end() && v->is_string() ? v->get<std::string>() : "";
  };
  // The resource ID is the registry as docker's config names it (host[:port]).
  std::string registry = c.resource_id.value_or(field("registry"));
  return RegistryAuth{registry, field("username"), field("password")};
}

}  // namespace latchkey
