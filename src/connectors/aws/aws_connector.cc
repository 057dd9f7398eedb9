#include "connectors/aws/aws_connector.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/aws/aws_auto_configure.h"
#include "connectors/aws/aws_resource_ids.h"
#include "connectors/aws/aws_session.h"
#include "connectors/aws/aws_spec.h"
#include "connectors/aws/eks_token.h"
#include "connectors/aws/service_apis.h"
#include "connectors/aws/sts_api.h"
#include "connectors/docker/docker_spec.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "crypto/encoding.h"

namespace latchkey {
namespace {

using aws::AwsCredentials;

std::vector<std::string> Prefixed(std::vector<std::string> const& names,
                                  std::string const& prefix) {
  std::vector<std::string> out;
  for (auto const& n : names) out.push_back(prefix + n);
  return out;
}

class AwsConnectorType : public ConnectorType {
 public:
  ConnectorTypeSpec const& Spec() const override { return aws::AwsSpec(); }

  Result<std::string> CanonicalResourceId(Connector const& c, std::string const& rt,
                                          std::string const& id) const override {
    std::string region = c.Value("region").value_or("");
    if (rt == aws::kS3Resource) return aws::CanonicalS3BucketId(id);
    if (rt == aws::kEksResource) return aws::CanonicalEksClusterId(id, region);
    if (rt == aws::kEcrResource) return aws::CanonicalEcrRegistryId(id, region);
    if (id != region) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the aws-generic resource of this connector is its region '{}', "
                              "not '{}'",
                              region, id));
    }
    return id;
  }

  Result<std::string> DefaultResourceId(Connector const& c, std::string const& rt) const override {
    if (rt == aws::kGenericResource) return c.Value("region").value_or("");
    // The ECR registry is named after the account, which only STS can tell.
    return Fail(ErrorCode::kFailedPrecondition, "discovered at verification");
  }

  Result<std::vector<std::string>> Verify(Context& ctx, Connector const& c, OptString const& rt,
                                          OptString const& rid) const override {
    auto creds = VerificationCredentials(ctx, c, rt, rid);
    if (!creds) return tl::unexpected(creds.error());
    aws::AwsEndpoint endpoint = aws::EndpointOf(c);
    if (!rt) {
      auto id = aws::GetCallerIdentity(ctx, endpoint, *creds);
      // Ceph RGW answers GetCallerIdentity with 405; listing buckets proves the keys there.
      if (!id && id.error().message.find("MethodNotAllowed") != std::string::npos) {
        auto buckets = aws::ListBuckets(ctx, endpoint, *creds);
        if (!buckets) return tl::unexpected(buckets.error());
      } else if (!id) {
        return tl::unexpected(id.error());
      }
      return std::vector<std::string>{};
    }
    if (*rt == aws::kGenericResource) {
      auto id = aws::GetCallerIdentity(ctx, endpoint, *creds);
      if (!id) return tl::unexpected(id.error());
      return std::vector<std::string>{endpoint.region};
    }
    if (*rt == aws::kS3Resource) {
      if (rid) {
        if (auto r = aws::HeadBucket(ctx, endpoint, *creds, aws::BucketName(*rid)); !r) {
          return tl::unexpected(r.error());
        }
        return std::vector<std::string>{*rid};
      }
      auto buckets = aws::ListBuckets(ctx, endpoint, *creds);
      if (!buckets) return Fail(buckets.error(), "failed to list S3 buckets");
      return Prefixed(*buckets, "s3://");
    }
    if (*rt == aws::kEksResource) {
      if (rid) {
        auto cluster = aws::DescribeEksCluster(ctx, endpoint, *creds, *rid);
        if (!cluster) return tl::unexpected(cluster.error());
        return std::vector<std::string>{*rid};
      }
      auto clusters = aws::ListEksClusters(ctx, endpoint, *creds);
      if (!clusters) return Fail(clusters.error(), "failed to list EKS clusters");
      return *clusters;
    }
    // ECR: one registry per account and region.
    auto id = aws::GetCallerIdentity(ctx, endpoint, *creds);
    if (!id) return tl::unexpected(id.error());
    std::string registry = aws::EcrRegistryHost(id->account, endpoint.region);
    if (rid && *rid != registry) {
      return Fail(ErrorCode::kNotFound, fmt::format("the connector's account reaches ECR registry "
                                                    "{}, not {}",
                                                    registry, *rid));
    }
    auto repositories = aws::DescribeEcrRepositories(ctx, endpoint, *creds);
    if (!repositories) return Fail(repositories.error(), "failed to list ECR repositories");
    if (repositories->empty()) {
      return Fail(ErrorCode::kNotFound, "the ECR registry " + registry + " has no repositories");
    }
    return std::vector<std::string>{registry};
  }

  Result<Connector> Client(Context& ctx, Connector const& c, std::string const& rt,
                           std::string const& rid) const override {
    auto creds = aws::ClientCredentials(ctx, c, rt, rid);
    if (!creds) return tl::unexpected(creds.error());
    if (rt == aws::kEksResource) return EksClient(ctx, c, *creds, rid);
    if (rt == aws::kEcrResource) return EcrClient(ctx, c, *creds, rid);
    Connector client;
    client.connector_type = aws::kConnectorType;
    client.auth_method = creds->session_token ? aws::kStsToken : aws::kSecretKey;
    client.resource_types = {rt};
    client.resource_id = rid;
    client.supports_instances = false;
    client.configuration = nlohmann::json::object();
    std::vector<std::string> keys = {"region", "endpoint_url"};
    for (char const* service : aws::kAwsServices)
      keys.push_back(aws::ServiceEndpointField(service));
    for (auto const& key : keys) {
      if (auto v = c.Value(key); v && !v->empty()) client.configuration[key] = *v;
    }
    client.secrets = {{"aws_access_key_id", creds->access_key_id},
                      {"aws_secret_access_key", creds->secret_access_key}};
    if (creds->session_token) client.secrets["aws_session_token"] = *creds->session_token;
    client.expires_at = creds->expiration;
    return client;
  }

  Result<Connector> AutoConfigure(Context& ctx, OptString const& auth_method, OptString const& rt,
                                  OptString const& rid) const override {
    return aws::AutoConfigureAws(ctx, auth_method, rt, rid);
  }

  Result<std::string> ConfigureLocalClient(Context& ctx, Connector const& client) const override {
    return aws::WriteAwsProfile(ctx, client);
  }

 private:
  // Listing uses the configured keys; an IAM role is assumed first, so verification proves the
  // role can be assumed and what it reaches.
  Result<AwsCredentials> VerificationCredentials(Context& ctx, Connector const& c,
                                                 OptString const& rt, OptString const& rid) const {
    bool role = c.auth_method == aws::kIamRole ||
                (c.auth_method == aws::kImplicit && c.Value("role_arn").value_or("") != "");
    if (role && rt) return aws::ClientCredentials(ctx, c, *rt, rid);
    return aws::ConfiguredCredentials(ctx, c);
  }

  Result<Connector> EksClient(Context& ctx, Connector const& c, AwsCredentials const& creds,
                              std::string const& name) const {
    aws::AwsEndpoint endpoint = aws::EndpointOf(c);
    auto cluster = aws::DescribeEksCluster(ctx, endpoint, creds, name);
    if (!cluster) return tl::unexpected(cluster.error());
    auto token = aws::MakeEksToken(endpoint, creds, name, ctx.now);
    if (!token) return tl::unexpected(token.error());
    KubernetesCredentials k;
    k.server = cluster->endpoint;
    k.cluster_name = cluster->arn.empty() ? name : cluster->arn;
    if (!cluster->ca_data_base64.empty()) {
      auto pem = NormalizePem(cluster->ca_data_base64, "certificateAuthority");
      if (!pem) return tl::unexpected(pem.error());
      k.ca_pem = *pem;
    }
    k.token = token->token;
    Connector client = KubernetesConnectorFromCredentials(k);
    client.expires_at = token->expires_at;
    if (creds.expiration && *creds.expiration < *client.expires_at) {
      client.expires_at = creds.expiration;
    }
    return client;
  }

  Result<Connector> EcrClient(Context& ctx, Connector const& c, AwsCredentials const& creds,
                              std::string const& registry) const {
    auto auth =
        aws::GetEcrAuthorizationToken(ctx, aws::EndpointOf(c), creds, aws::EcrAccount(registry));
    if (!auth) return tl::unexpected(auth.error());
    Connector client;
    client.connector_type = docker::kConnectorType;
    client.auth_method = docker::kPasswordAuthMethod;
    client.resource_types = {docker::kRegistryResourceType};
    client.resource_id = registry;
    client.configuration = {{docker::kRegistryField, "https://" + registry}};
    client.secrets = {{docker::kUsernameField, auth->username},
                      {docker::kPasswordField, auth->password}};
    client.expires_at = auth->expires_at;
    return client;
  }
};

}  // namespace

std::unique_ptr<ConnectorType> MakeAwsConnectorType() {
  return std::make_unique<AwsConnectorType>();
}

}  // namespace latchkey
