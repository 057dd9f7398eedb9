#include "connectors/kubernetes/kubernetes_connector.h"

#include "common/strings.h"
#include "connectors/kubernetes/kube_api.h"
#include "connectors/kubernetes/kubeconfig_paths.h"
#include "connectors/kubernetes/kubeconfig_reader.h"
#include "connectors/kubernetes/kubeconfig_writer.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "connectors/kubernetes/kubernetes_spec.h"

namespace latchkey {
namespace {

Result<void> RequireClusterType(std::string const& resource_type) {
  if (resource_type == kKubernetesClusterResourceType) return {};
  return Fail(ErrorCode::kInvalidArgument, "the Kubernetes connector serves only the '" +
                                               std::string(kKubernetesClusterResourceType) +
                                               "' resource type, not '" + resource_type + "'");
}

Result<void> RequireSameCluster(std::string const& resource_id, std::string const& cluster_name) {
  if (resource_id == cluster_name) return {};
  return Fail(ErrorCode::kInvalidArgument,
              "resource ID '" + resource_id + "' does not match the connector's cluster '" +
                  cluster_name + "': a Kubernetes connector reaches exactly one cluster");
}

// Keeps the credentials of one auth method, so that a kubeconfig user holding both a token and a
// password yields a connector of exactly the requested kind.
Result<void> SelectAuthMethod(KubeconfigSelection& selection, std::string const& method) {
  KubernetesCredentials& creds = selection.credentials;
  std::string who = "the kubeconfig user '" + selection.user_name + "' (context '" +
                    selection.context_name + "')";
  if (method == kKubernetesPasswordMethod) {
    if (!creds.username || !creds.password) {
      return Fail(ErrorCode::kFailedPrecondition,
                  who + " has no username and password; use the 'token' method");
    }
    creds.token.reset();
    creds.client_cert_pem.reset();
    creds.client_key_pem.reset();
    return {};
  }
  if (!creds.token && !creds.client_cert_pem && !creds.client_key_pem) {
    return Fail(ErrorCode::kFailedPrecondition,
                who + " has no token or client certificate; use the 'password' method");
  }
  creds.username.reset();
  creds.password.reset();
  return {};
}

class KubernetesConnectorType final : public ConnectorType {
 public:
  KubernetesConnectorType() : spec_(MakeKubernetesConnectorSpec()) {}

  ConnectorTypeSpec const& Spec() const override { return spec_; }

  Result<std::string> CanonicalResourceId(Connector const& connector,
                                          std::string const& resource_type,
                                          std::string const& resource_id) const override {
    if (auto r = RequireClusterType(resource_type); !r) return tl::unexpected(r.error());
    std::string id = Trim(resource_id);
    if (auto cluster = connector.Value(kube_field::kClusterName); cluster && !cluster->empty()) {
      if (auto r = RequireSameCluster(id, *cluster); !r) return tl::unexpected(r.error());
    }
    return id;
  }

  Result<std::string> DefaultResourceId(Connector const& connector,
                                        std::string const& resource_type) const override {
    if (auto r = RequireClusterType(resource_type); !r) return tl::unexpected(r.error());
    auto cluster = connector.Value(kube_field::kClusterName);
    if (!cluster || Trim(*cluster).empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the Kubernetes connector has no 'cluster_name' configured");
    }
    return Trim(*cluster);
  }

  Result<std::vector<std::string>> Verify(Context& ctx, Connector const& connector,
                                          OptString const& resource_type,
                                          OptString const& resource_id) const override {
    if (resource_type) {
      if (auto r = RequireClusterType(*resource_type); !r) return tl::unexpected(r.error());
    }
    auto creds = KubernetesCredentialsFromConnector(connector);
    if (!creds) return tl::unexpected(creds.error());
    if (resource_id) {
      if (auto r = RequireSameCluster(*resource_id, creds->cluster_name); !r) {
        return tl::unexpected(r.error());
      }
    }
    if (auto r = VerifyKubeApiAccess(ctx.http, *creds, ctx.timeout); !r) {
      return tl::unexpected(r.error());
    }
    return std::vector<std::string>{creds->cluster_name};
  }

  Result<Connector> AutoConfigure(Context& ctx, OptString const& auth_method,
                                  OptString const& resource_type,
                                  OptString const& resource_id) const override {
    if (resource_type) {
      if (auto r = RequireClusterType(*resource_type); !r) return tl::unexpected(r.error());
    }
    if (auth_method && !spec_.FindAuthMethod(*auth_method)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown authentication method '" + *auth_method +
                      "' for a Kubernetes connector; use 'password' or 'token'");
    }
    auto selection = ReadKubeconfigContext(ctx.env, resource_id);
    if (!selection) return tl::unexpected(selection.error());
    KubernetesCredentials const& found = selection->credentials;
    bool has_token_credentials = found.token || found.client_cert_pem || found.client_key_pem;
    std::string method = auth_method.value_or(has_token_credentials ? kKubernetesTokenMethod
                                                                    : kKubernetesPasswordMethod);
    if (auto r = SelectAuthMethod(*selection, method); !r) return tl::unexpected(r.error());

    KubernetesCredentials& creds = selection->credentials;
    while (EndsWith(creds.server, "/")) creds.server.pop_back();
    if (auto r = ValidateKubernetesCredentials(creds); !r) {
      return Fail(r.error(), "kubeconfig context '" + selection->context_name + "'");
    }
    return KubernetesConnectorFromCredentials(creds);
  }

  Result<std::string> ConfigureLocalClient(Context& ctx, Connector const& client) const override {
    auto creds = KubernetesCredentialsFromConnector(client);
    if (!creds) return tl::unexpected(creds.error());
    if (auto r = WriteKubeconfig(KubeconfigWritePath(ctx.env), *creds); !r) {
      return tl::unexpected(r.error());
    }
    return "Updated local kubeconfig with the cluster details. The current kubectl context was "
           "set to '" +
           creds->cluster_name + "'.";
  }

 private:
  ConnectorTypeSpec spec_;
};

}  // namespace

std::unique_ptr<ConnectorType> MakeKubernetesConnectorType() {
  return std::make_unique<KubernetesConnectorType>();
}

}  // namespace latchkey
