#include "connectors/gcp/gcp_connector.h"

#include <fmt/format.h>

#include <map>

#include "common/strings.h"
#include "connectors/docker/docker_spec.h"
#include "connectors/gcp/gcp_auto_configure.h"
#include "connectors/gcp/gcp_local_client.h"
#include "connectors/gcp/gcp_resource_ids.h"
#include "connectors/gcp/gcp_service_apis.h"
#include "connectors/gcp/gcp_session.h"
#include "connectors/gcp/gcp_spec.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "core/long_lived_warning.h"

namespace latchkey::gcp {
namespace {

std::string ProjectOf(Connector const& c) { return c.Value("project_id").value_or(""); }

// Read from the spec's LongLivedClients, the same flag the CLI's warning reads, so what the
// connector does and what users are told cannot drift apart.
bool HandsOutKey(Connector const& c) {
  auto const* method = GcpSpec().FindAuthMethod(c.auth_method);
  return method && HandsClientsLongLivedCredentials(*method, c);
}

// Cluster IDs as listed: the bare name, or location/name where a name repeats across locations.
std::vector<std::string> ClusterIds(std::vector<GkeCluster> const& clusters) {
  std::map<std::string, int> count;
  for (auto const& c : clusters) ++count[c.name];
  std::vector<std::string> ids;
  for (auto const& c : clusters) {
    ids.push_back(count[c.name] > 1 ? c.location + "/" + c.name : c.name);
  }
  return ids;
}

class GcpConnectorType : public ConnectorType {
 public:
  ConnectorTypeSpec const& Spec() const override { return GcpSpec(); }

  Result<std::string> CanonicalResourceId(Connector const& c, std::string const& rt,
                                          std::string const& id) const override {
    if (rt == kGcsResource) return CanonicalGcsBucketId(id);
    if (rt == kGkeResource) {
      auto cluster = ParseGkeClusterId(id);
      if (!cluster) return tl::unexpected(cluster.error());
      return CanonicalGkeClusterId(*cluster);
    }
    if (rt == kRegistryResource) {
      auto registry = ParseRegistryId(id);
      if (!registry) return tl::unexpected(registry.error());
      return registry->Canonical();
    }
    if (id != ProjectOf(c)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the gcp-generic resource of this connector is its project '{}', "
                              "not '{}'",
                              ProjectOf(c), id));
    }
    return id;
  }

  Result<std::string> DefaultResourceId(Connector const& c, std::string const& rt) const override {
    if (rt == kGenericResource) return ProjectOf(c);
    return Fail(ErrorCode::kFailedPrecondition, "discovered at verification");
  }

  Result<std::vector<std::string>> Verify(Context& ctx, Connector const& c, OptString const& rt,
                                          OptString const& rid) const override {
    GcpApi api{ctx, ConnectorTokens(ctx, c), EndpointsOf(c)};
    if (!rt || *rt == kGenericResource) {
      // An access token proves the credentials; what they may do is the resources' business.
      auto token = ConnectorToken(ctx, c);
      if (!token) return tl::unexpected(token.error());
      if (!rt) return std::vector<std::string>{};
      return std::vector<std::string>{ProjectOf(c)};
    }
    if (*rt == kGcsResource) {
      if (rid) {
        if (auto ok = CheckBucketAccess(api, GcsBucketName(*rid)); !ok) {
          return Fail(ok.error(), "cannot reach GCS bucket " + *rid);
        }
        return std::vector<std::string>{*rid};
      }
      auto buckets = ListBuckets(api, ProjectOf(c));
      if (!buckets) return Fail(buckets.error(), "failed to list GCS buckets");
      std::vector<std::string> ids;
      for (auto const& b : *buckets) ids.push_back("gs://" + b);
      return ids;
    }
    if (*rt == kGkeResource) {
      if (rid) {
        auto cluster = FindCluster(api, c, *rid);
        if (!cluster) return tl::unexpected(cluster.error());
        return std::vector<std::string>{*rid};
      }
      auto clusters = ListGkeClusters(api, ProjectOf(c));
      if (!clusters) return Fail(clusters.error(), "failed to list GKE clusters");
      return ClusterIds(*clusters);
    }
    return VerifyRegistry(api, c, rid);
  }

  Result<Connector> Client(Context& ctx, Connector const& c, std::string const& rt,
                           std::string const& rid) const override {
    if (HandsOutKey(c)) return ConnectorType::Client(ctx, c, rt, rid);
    auto token = ClientToken(ctx, c, rt, rid);
    if (!token) return tl::unexpected(token.error());
    if (rt == kGkeResource) return GkeClient(ctx, c, *token, rid);
    if (rt == kRegistryResource) return RegistryClient(*token, rid);
    Connector client;
    client.connector_type = kConnectorType;
    client.auth_method = kOAuth2Token;
    client.resource_types = {rt};
    client.resource_id = rid;
    client.configuration = {{"project_id", ProjectOf(c)}, {"downscope_gcs_tokens", false}};
    if (token->principal.find('@') != std::string::npos) {
      client.configuration["service_account_email"] = token->principal;
    }
    if (rt == kGcsResource && DownscopesBucketTokens(c)) {
      client.configuration["access_boundary"] = rid + " (inRole:" + AccessBoundaryRole(c) + ")";
    }
    CopyEndpointSettings(c, client);
    client.secrets = {{"token", token->token}};
    client.expires_at = token->expires_at;
    return client;
  }

  Result<Connector> AutoConfigure(Context& ctx, OptString const& auth_method, OptString const& rt,
                                  OptString const& rid) const override {
    return AutoConfigureGcp(ctx, auth_method, rt, rid);
  }

  Result<std::string> ConfigureLocalClient(Context& ctx, Connector const& client) const override {
    return ConfigureGcloud(ctx, client);
  }

 private:
  Result<GkeCluster> FindCluster(GcpApi const& api, Connector const& c,
                                 std::string const& id) const {
    auto wanted = ParseGkeClusterId(id);
    if (!wanted) return tl::unexpected(wanted.error());
    auto clusters = ListGkeClusters(api, ProjectOf(c), wanted->location.value_or("-"));
    if (!clusters) return Fail(clusters.error(), "failed to list GKE clusters");
    std::vector<GkeCluster> found;
    for (auto const& cluster : *clusters) {
      if (cluster.name == wanted->name) found.push_back(cluster);
    }
    if (found.empty()) {
      return Fail(ErrorCode::kNotFound,
                  fmt::format("GKE cluster '{}' not found in project {}", id, ProjectOf(c)));
    }
    if (found.size() > 1) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("GKE cluster name '{}' exists in several locations; name it as "
                              "LOCATION/{}",
                              id, wanted->name));
    }
    return found.front();
  }

  Result<std::vector<std::string>> VerifyRegistry(GcpApi const& api, Connector const& c,
                                                  OptString const& rid) const {
    std::string project = ProjectOf(c);
    if (rid) {
      auto id = ParseRegistryId(*rid);
      if (!id) return tl::unexpected(id.error());
      if (!id->IsArtifactRegistry()) {
        // Legacy GCR has no API of its own to ask: a token is all a push or pull needs.
        auto token = ConnectorToken(api.ctx, c);
        if (!token) return tl::unexpected(token.error());
        return std::vector<std::string>{*rid};
      }
      auto repositories = ListDockerRepositories(api, id->project);
      if (!repositories)
        return Fail(repositories.error(),
                    "failed to list Artifact Registry "
                    "repositories");
      for (auto const& r : *repositories) {
        if (r.Canonical() == *rid) return std::vector<std::string>{*rid};
      }
      return Fail(ErrorCode::kNotFound, "Artifact Registry repository " + *rid + " not found");
    }
    std::vector<std::string> ids = {"gcr.io/" + project};
    auto repositories = ListDockerRepositories(api, project);
    // A connector without Artifact Registry rights still reaches the legacy GCR host.
    if (!repositories && repositories.error().code != ErrorCode::kPermissionDenied) {
      return Fail(repositories.error(), "failed to list Artifact Registry repositories");
    }
    if (repositories) {
      for (auto const& r : *repositories) ids.push_back(r.Canonical());
    }
    return ids;
  }

  Result<Connector> GkeClient(Context& ctx, Connector const& c, AccessToken const& token,
                              std::string const& id) const {
    GcpApi api{ctx, ConnectorTokens(ctx, c), EndpointsOf(c)};
    auto cluster = FindCluster(api, c, id);
    if (!cluster) return tl::unexpected(cluster.error());
    KubernetesCredentials k;
    k.server = "https://" + cluster->endpoint;
    // gcloud's kubeconfig naming, so a context written by Latchkey reads like gcloud's.
    k.cluster_name = fmt::format("gke_{}_{}_{}", ProjectOf(c), cluster->location, cluster->name);
    if (!cluster->ca_base64.empty()) {
      auto pem = NormalizePem(cluster->ca_base64, "masterAuth.clusterCaCertificate");
      if (!pem) return tl::unexpected(pem.error());
      k.ca_pem = *pem;
    }
    k.token = token.token;
    Connector client = KubernetesConnectorFromCredentials(k);
    client.expires_at = token.expires_at;
    return client;
  }

  Result<Connector> RegistryClient(AccessToken const& token, std::string const& id) const {
    auto registry = ParseRegistryId(id);
    if (!registry) return tl::unexpected(registry.error());
    Connector client;
    client.connector_type = docker::kConnectorType;
    client.auth_method = docker::kPasswordAuthMethod;
    client.resource_types = {docker::kRegistryResourceType};
    client.resource_id = registry->host;
    client.configuration = {{docker::kRegistryField, "https://" + registry->host}};
    client.secrets = {{docker::kUsernameField, "oauth2accesstoken"},
                      {docker::kPasswordField, token.token}};
    client.expires_at = token.expires_at;
    return client;
  }
};

}  // namespace
}  // namespace latchkey::gcp

namespace latchkey {

std::unique_ptr<ConnectorType> MakeGcpConnectorType() {
  return std::make_unique<gcp::GcpConnectorType>();
}

}  // namespace latchkey
