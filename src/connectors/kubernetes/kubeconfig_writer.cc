#include "connectors/kubernetes/kubeconfig_writer.h"

#include <filesystem>

#include "common/file_util.h"
#include "common/strings.h"
#include "connectors/kubernetes/kubeconfig_yaml.h"
#include "crypto/encoding.h"

namespace latchkey {
namespace {

namespace fs = std::filesystem;

Result<YAML::Node> RequireList(YAML::Node& root, std::string const& key,
                               std::string const& source) {
  if (!YamlChild(root, key).IsDefined() || YamlChild(root, key).IsNull()) {
    root[key] = YAML::Node(YAML::NodeType::Sequence);
  }
  YAML::Node list = root[key];
  if (!list.IsSequence()) {
    return Fail(ErrorCode::kInvalidArgument,
                "kubeconfig " + source + ": '" + key + "' is not a list");
  }
  return list;
}

void Upsert(YAML::Node list, std::string const& kind, std::string const& name, YAML::Node body) {
  for (YAML::Node entry : list) {
    if (IsYamlMap(entry) && YamlString(entry, "name") == name) {
      entry[kind] = body;
      return;
    }
  }
  YAML::Node entry(YAML::NodeType::Map);
  entry["name"] = name;
  entry[kind] = body;
  list.push_back(entry);
}

YAML::Node ClusterBody(KubernetesCredentials const& creds) {
  YAML::Node cluster(YAML::NodeType::Map);
  cluster["server"] = creds.server;
  // kubectl refuses a cluster that has both a CA and insecure-skip-tls-verify.
  if (creds.insecure) {
    cluster["insecure-skip-tls-verify"] = PlainYamlScalar("true");
  } else if (creds.ca_pem) {
    cluster["certificate-authority-data"] = crypto::Base64Encode(*creds.ca_pem);
  }
  return cluster;
}

YAML::Node UserBody(KubernetesCredentials const& creds) {
  YAML::Node user(YAML::NodeType::Map);
  if (creds.client_cert_pem && creds.client_key_pem) {
    user["client-certificate-data"] = crypto::Base64Encode(*creds.client_cert_pem);
    user["client-key-data"] = crypto::Base64Encode(*creds.client_key_pem);
  }
  if (creds.token) user["token"] = *creds.token;
  if (creds.username && creds.password) {
    user["username"] = *creds.username;
    user["password"] = *creds.password;
  }
  return user;
}

Result<std::string> Merge(std::string const& existing, std::string const& source,
                          KubernetesCredentials const& creds) {
  auto parsed = ParseKubeconfigYaml(existing, source);
  if (!parsed) return tl::unexpected(parsed.error());
  YAML::Node root = *parsed;
  if (!YamlString(root, "apiVersion")) root["apiVersion"] = "v1";
  if (!YamlString(root, "kind")) root["kind"] = "Config";

  std::string const& name = creds.cluster_name;
  auto clusters = RequireList(root, "clusters", source);
  if (!clusters) return tl::unexpected(clusters.error());
  auto users = RequireList(root, "users", source);
  if (!users) return tl::unexpected(users.error());
  auto contexts = RequireList(root, "contexts", source);
  if (!contexts) return tl::unexpected(contexts.error());

  auto namespace_name =
      YamlString(YamlChild(FindNamedEntry(*contexts, name), "context"), "namespace");
  YAML::Node context(YAML::NodeType::Map);
  context["cluster"] = name;
  context["user"] = name;
  if (namespace_name) context["namespace"] = *namespace_name;

  Upsert(*clusters, "cluster", name, ClusterBody(creds));
  Upsert(*users, "user", name, UserBody(creds));
  Upsert(*contexts, "context", name, context);
  // A fresh node, not a scalar assignment: yaml-cpp would keep the old value's "plain" tag, and
  // a name like "123" would then be written unquoted.
  root["current-context"] = YAML::Node(name);
  return EmitKubeconfigYaml(root);
}

}  // namespace

Result<std::string> MergeKubeconfigText(std::string const& existing, std::string const& source,
                                        KubernetesCredentials const& creds) {
  if (auto valid = ValidateKubernetesCredentials(creds); !valid) {
    return tl::unexpected(valid.error());
  }
  try {
    return Merge(existing, source, creds);
  } catch (YAML::Exception const& e) {
    return Fail(ErrorCode::kInvalidArgument,
                "unexpected structure in kubeconfig " + source + ": " + e.msg);
  } catch (std::exception const&) {
    return Fail(ErrorCode::kInternal, "unexpected error while updating kubeconfig " + source);
  }
}

Result<void> WriteKubeconfig(std::string const& path, KubernetesCredentials const& creds) {
  std::error_code ec;
  std::string target = path;
  if (fs::is_symlink(path, ec)) {
    auto resolved = fs::weakly_canonical(path, ec);
    if (!ec) target = resolved.string();
  }
  std::string existing;
  if (fs::exists(target, ec)) {
    if (!fs::is_regular_file(target, ec)) {
      return Fail(ErrorCode::kFailedPrecondition, "kubeconfig " + path + " is not a regular file");
    }
    if (!ReadFile(target, existing)) {
      return Fail(ErrorCode::kUnavailable, "cannot read kubeconfig " + path);
    }
  }
  auto merged = MergeKubeconfigText(existing, path, creds);
  if (!merged) return Fail(merged.error(), "kubeconfig left untouched");
  return WriteFileAtomic(target, *merged, 0600);
}

}  // namespace latchkey
