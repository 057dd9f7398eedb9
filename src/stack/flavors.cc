#include "stack/flavors.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "stack/secret_refs.h"

namespace latchkey {
namespace {

using A = FlavorAttribute;
using R = ConnectorRequirement;
constexpr auto kArtifact = ComponentType::kArtifactStore;
constexpr auto kRegistry = ComponentType::kContainerRegistry;
constexpr auto kOrchestrator = ComponentType::kOrchestrator;

std::vector<Flavor> BuildFlavors() {
  return {
      {kArtifact,
       "local",
       "LocalArtifactStoreConfig",
       "Artifacts in a directory on this machine.",
       {A{"path", false, false,
          "Directory of the artifacts (default: $LATCHKEY_HOME/local_stores/<component ID>)"}},
       std::nullopt},
      {kArtifact,
       "s3",
       "S3ArtifactStoreConfig",
       "Artifacts in an S3 bucket (AWS, or an S3-compatible system such as Ceph RGW).",
       {A{"path", true, false, "s3://BUCKET[/PREFIX]"},
        A{"key", false, true, "AWS access key ID, when no connector is linked"},
        A{"secret", false, true, "AWS secret access key, when no connector is linked"},
        A{"token", false, true, "AWS session token, when no connector is linked"},
        A{"region", false, false, "AWS region, when no connector is linked (default us-east-1)"},
        A{"endpoint_url", false, false, "S3 endpoint, when no connector is linked"},
        A{"authentication_secret", false, false,
          "Latchkey secret holding the store's credentials (aws_access_key_id, "
          "aws_secret_access_key, optionally aws_session_token), when no connector is linked"}},
       R{std::nullopt, "s3-bucket", "path"}},
      {kArtifact,
       "gcs",
       "GCPArtifactStoreConfig",
       "Artifacts in a Google Cloud Storage bucket.",
       {A{"path", true, false, "gs://BUCKET[/PREFIX]"}},
       R{std::nullopt, "gcs-bucket", "path"}},
      {kArtifact,
       "azure",
       "AzureArtifactStoreConfig",
       "Artifacts in an Azure Blob Storage container.",
       {A{"path", true, false, "az://CONTAINER[/PREFIX] or abfs://CONTAINER[/PREFIX]"}},
       R{"azure", "blob-container", "path"}},
      {kRegistry,
       "default",
       "BaseContainerRegistryConfig",
       "Any Docker registry (v2 API).",
       {A{"uri", true, false, "Registry URI, e.g. registry.example.com:5000"}},
       R{std::nullopt, "docker-registry", "uri"}},
      {kRegistry,
       "aws",
       "AWSContainerRegistryConfig",
       "Amazon Elastic Container Registry (ECR).",
       {A{"uri", true, false, "ACCOUNT.dkr.ecr.REGION.amazonaws.com"}},
       R{"aws", "docker-registry", "uri"}},
      {kRegistry,
       "gcp",
       "GCPContainerRegistryConfig",
       "Google Container Registry / Artifact Registry.",
       {A{"uri", true, false, "e.g. gcr.io/PROJECT"}},
       R{"gcp", "docker-registry", "uri"}},
      {kRegistry,
       "azure",
       "AzureContainerRegistryConfig",
       "Azure Container Registry.",
       {A{"uri", true, false, "e.g. NAME.azurecr.io"}},
       R{"azure", "docker-registry", "uri"}},
      {kOrchestrator,
       "local",
       "LocalOrchestratorConfig",
       "Runs steps in the local process.",
       {},
       std::nullopt},
      {kOrchestrator,
       "kubernetes",
       "KubernetesOrchestratorConfig",
       "Runs steps as pods on a Kubernetes cluster.",
       {A{"kubernetes_context", false, false, "kubeconfig context, when no connector is linked"},
        A{"kubernetes_namespace", false, false, "Namespace of the pods (default: latchkey)"}},
       R{std::nullopt, "kubernetes-cluster", std::nullopt}},
  };
}

// Object-store schemes whose resource is the first path segment (the bucket or container).
constexpr char const* kBucketSchemes[] = {"s3://", "gs://", "az://", "abfs://"};

// The schemes a path may use for a flavor's resource type.
std::vector<std::string> SchemesFor(std::string const& resource_type) {
  if (resource_type == "s3-bucket") return {"s3://"};
  if (resource_type == "gcs-bucket") return {"gs://"};
  if (resource_type == "blob-container") return {"az://", "abfs://"};
  return {};
}

}  // namespace

FlavorAttribute const* Flavor::FindAttribute(std::string const& attr) const {
  for (auto const& a : attributes) {
    if (a.name == attr) return &a;
  }
  return nullptr;
}

std::vector<Flavor> const& AllFlavors() {
  static std::vector<Flavor> const flavors = BuildFlavors();
  return flavors;
}

std::vector<Flavor const*> FlavorsOf(ComponentType type) {
  std::vector<Flavor const*> out;
  for (auto const& f : AllFlavors()) {
    if (f.type == type) out.push_back(&f);
  }
  return out;
}

Result<Flavor const*> RequireFlavor(ComponentType type, std::string const& name) {
  std::vector<std::string> names;
  for (auto const* f : FlavorsOf(type)) {
    if (f->name == name) return f;
    names.push_back(f->name);
  }
  return Fail(ErrorCode::kNotFound, fmt::format("no {} flavor '{}'; available: {}",
                                                ComponentTypeTitle(type), name, Join(names, ", ")));
}

Result<void> ValidateConfiguration(Flavor const& flavor,
                                   std::map<std::string, std::string> const& configuration) {
  for (auto const& [k, v] : configuration) {
    auto const* attr = flavor.FindAttribute(k);
    if (!attr) {
      std::vector<std::string> names;
      for (auto const& a : flavor.attributes) names.push_back(a.name);
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the {} flavor '{}' has no attribute '{}'{}",
                              ComponentTypeTitle(flavor.type), flavor.name, k,
                              names.empty() ? "" : " (attributes: " + Join(names, ", ") + ")"));
    }
    if (attr->secret && !ParseSecretReference(v)) {
      // The value itself is never repeated: it is a credential.
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("attribute '{}' is secret: give a reference to a Latchkey secret, "
                              "--{}='{{{{SECRET_NAME.KEY}}}}' (create one with `latchkey secret "
                              "create`), or link a service connector instead",
                              k, k));
    }
  }
  for (auto const& a : flavor.attributes) {
    if (a.required && !configuration.contains(a.name)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the {} flavor '{}' requires --{}=VALUE ({})",
                              ComponentTypeTitle(flavor.type), flavor.name, a.name, a.description));
    }
  }
  if (flavor.requirement && flavor.requirement->resource_id_attr) {
    auto it = configuration.find(*flavor.requirement->resource_id_attr);
    if (it != configuration.end() && flavor.requirement->resource_id_attr == "path") {
      auto schemes = SchemesFor(flavor.requirement->resource_type);
      bool known = std::any_of(schemes.begin(), schemes.end(),
                               [&](std::string const& s) { return StartsWith(it->second, s); });
      if (!known || !ResourceIdFromConfiguration(flavor, configuration)) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("'{}' is not a valid path for the '{}' flavor (expected {})",
                                it->second, flavor.name, flavor.attributes[0].description));
      }
    }
  }
  return {};
}

std::optional<std::string> ResourceIdFromConfiguration(
    Flavor const& flavor, std::map<std::string, std::string> const& configuration) {
  if (!flavor.requirement || !flavor.requirement->resource_id_attr) return std::nullopt;
  auto it = configuration.find(*flavor.requirement->resource_id_attr);
  if (it == configuration.end() || it->second.empty()) return std::nullopt;
  std::string const& value = it->second;
  for (char const* scheme : kBucketSchemes) {
    if (!StartsWith(value, scheme)) continue;
    std::string rest = value.substr(std::string_view(scheme).size());
    std::string bucket = rest.substr(0, rest.find('/'));
    if (bucket.empty()) return std::nullopt;
    return std::string(scheme) + bucket;
  }
  return value;
}

bool SatisfiesRequirement(ConnectorRequirement const& requirement,
                          std::string const& connector_type,
                          std::vector<std::string> const& resource_types) {
  if (requirement.connector_type && *requirement.connector_type != connector_type) return false;
  return std::find(resource_types.begin(), resource_types.end(), requirement.resource_type) !=
         resource_types.end();
}

std::string DescribeFlavor(Flavor const& flavor) {
  std::string out = "Configuration class: " + flavor.config_class + "\n\n";
  out += flavor.description + "\n\n";
  if (flavor.requirement) {
    auto const& r = *flavor.requirement;
    std::string filter = "--resource-type " + r.resource_type;
    if (r.connector_type) filter = "--connector-type " + *r.connector_type + " " + filter;
    out += fmt::format(
        "This flavor supports connecting to external resources with a Service Connector. It "
        "requires a '{}' resource{}. You can get a list of all available connectors and the "
        "compatible resources that they can access by running:\n\n"
        "'latchkey service-connector list-resources {}'\n"
        "If no compatible Service Connectors are yet registered, you can register a new one by "
        "running:\n\n"
        "'latchkey service-connector register -i'\n",
        r.resource_type,
        r.connector_type ? " of a '" + *r.connector_type + "' connector" : std::string(), filter);
  } else {
    out += "This flavor does not use a Service Connector.\n";
  }
  if (!flavor.attributes.empty()) {
    out += "\nAttributes:\n";
    for (auto const& a : flavor.attributes) {
      std::string tags = a.required ? "required" : "optional";
      if (a.secret) tags += ", secret reference";
      out += fmt::format(" • {} {{{}}}: {}\n", a.name, tags, a.description);
    }
  }
  return out;
}

}  // namespace latchkey
