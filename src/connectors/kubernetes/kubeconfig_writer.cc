#include "connectors/kubernetes/kubeconfig_writer.h"

#include <filesystem>
#include <optional>

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
  if (creds.token && !creds.token->empty()) user["token"] = *creds.token;
  if (creds.username && creds.password) {
    user["username"] = *creds.username;
    user["password"] = *creds.password;
  }
  return user;
}

YAML::Node ExecUserBody(KubeconfigExec const& exec) {
  YAML::Node plugin(YAML::NodeType::Map);
  plugin["apiVersion"] = "client.authentication.k8s.io/v1";
  plugin["command"] = exec.command;
  YAML::Node args(YAML::NodeType::Sequence);
  for (auto const& a : exec.args) args.push_back(a);
  plugin["args"] = args;
  if (!exec.env.empty()) {
    YAML::Node env(YAML::NodeType::Sequence);
    for (auto const& [name, value] : exec.env) {
      YAML::Node entry(YAML::NodeType::Map);
      entry["name"] = name;
      entry["value"] = value;
      env.push_back(entry);
    }
    plugin["env"] = env;
  }
  // Required by the v1 API; the plugin never prompts.
  plugin["interactiveMode"] = "Never";
  plugin["provideClusterInfo"] = PlainYamlScalar("false");
  YAML::Node user(YAML::NodeType::Map);
  user["exec"] = plugin;
  return user;
}

Result<std::string> Merge(std::string const& existing, std::string const& source,
                          KubernetesCredentials const& creds, YAML::Node const& user_body) {
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
  Upsert(*users, "user", name, user_body);
  Upsert(*contexts, "context", name, context);
  // A fresh node, not a scalar assignment: yaml-cpp would keep the old value's "plain" tag, and
  // a name like "123" would then be written unquoted.
  root["current-context"] = YAML::Node(name);
  return EmitKubeconfigYaml(root);
}

Result<std::string> MergeUser(std::string const& existing, std::string const& source,
                              KubernetesCredentials const& creds,
                              std::optional<KubeconfigExec> const& exec) {
  try {
    YAML::Node user = exec ? ExecUserBody(*exec) : UserBody(creds);
    // A user entry without a credential would make kubectl prompt, or fall through to
    // anonymous access: refuse to write one.
    if (user.size() == 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the credentials for cluster '" + creds.cluster_name +
                      "' hold no token, client certificate or username/password to write");
    }
    return Merge(existing, source, creds, user);
  } catch (YAML::Exception const& e) {
    return Fail(ErrorCode::kInvalidArgument,
                "unexpected structure in kubeconfig " + source + ": " + e.msg);
  } catch (std::exception const&) {
    return Fail(ErrorCode::kInternal, "unexpected error while updating kubeconfig " + source);
  }
}

Result<void> WriteMerged(std::string const& path, KubernetesCredentials const& creds,
                         std::optional<KubeconfigExec> const& exec) {
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
  auto merged = MergeUser(existing, path, creds, exec);
  if (!merged) return Fail(merged.error(), "kubeconfig left untouched");
  return WriteFileAtomic(target, *merged, 0600);
}

}  // namespace

Result<std::string> MergeKubeconfigText(std::string const& existing, std::string const& source,
                                        KubernetesCredentials const& creds) {
  if (auto valid = ValidateKubernetesCredentials(creds); !valid) {
    return tl::unexpected(valid.error());
  }
  return MergeUser(existing, source, creds, std::nullopt);
}

Result<std::string> MergeKubeconfigExecText(std::string const& existing, std::string const& source,
                                            KubernetesCredentials const& cluster,
                                            KubeconfigExec const& exec) {
  if (exec.command.empty()) return Fail(ErrorCode::kInvalidArgument, "no exec plugin command");
  return MergeUser(existing, source, cluster, exec);
}

Result<void> WriteKubeconfig(std::string const& path, KubernetesCredentials const& creds) {
  if (auto valid = ValidateKubernetesCredentials(creds); !valid) {
    return Fail(valid.error(), "kubeconfig left untouched");
  }
  return WriteMerged(path, creds, std::nullopt);
}

Result<void> WriteKubeconfigExec(std::string const& path, KubernetesCredentials const& cluster,
                                 KubeconfigExec const& exec) {
  if (exec.command.empty()) return Fail(ErrorCode::kInvalidArgument, "no exec plugin command");
  return WriteMerged(path, cluster, exec);
}

}  // namespace latchkey
