#include "connectors/kubernetes/kubeconfig_reader.h"

#include <filesystem>
#include <map>
#include <vector>

#include "common/strings.h"
#include "connectors/kubernetes/kubeconfig_paths.h"
#include "connectors/kubernetes/kubeconfig_yaml.h"

namespace latchkey {
namespace {

namespace fs = std::filesystem;

// A named cluster, user or context body, with the directory its relative paths resolve against.
struct Entry {
  YAML::Node body;
  std::string dir;
  std::string source;
};

struct MergedKubeconfig {
  std::optional<std::string> current_context;
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::vector<std::pair<std::string, Entry>> contexts;  // file order, first definition wins
  std::vector<std::string> files;

  Entry const* Context(std::string const& name) const {
    for (auto const& [n, e] : contexts) {
      if (n == name) return &e;
    }
    return nullptr;
  }
};

void MergeEntries(YAML::Node const& list, std::string const& kind, Entry const& origin,
                  std::map<std::string, Entry>& into) {
  if (!IsYamlSequence(list)) return;
  for (auto const& item : list) {
    auto name = YamlString(item, "name");
    if (!name || into.count(*name)) continue;
    into.emplace(*name, Entry{YamlChild(item, kind), origin.dir, origin.source});
  }
}

Result<MergedKubeconfig> LoadMerged(Environment const& env) {
  MergedKubeconfig merged;
  std::vector<std::string> paths = KubeconfigPaths(env);
  for (auto const& path : paths) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;  // kubectl skips missing files in the list
    std::string text;
    if (!ReadFile(path, text)) {
      return Fail(ErrorCode::kUnavailable, "cannot read kubeconfig " + path);
    }
    auto root = ParseKubeconfigYaml(text, path);
    if (!root) return tl::unexpected(root.error());
    merged.files.push_back(path);
    Entry origin{YAML::Node(), fs::path(path).parent_path().string(), path};
    if (!merged.current_context) {
      auto current = YamlString(*root, "current-context");
      if (current && !current->empty()) merged.current_context = current;
    }
    MergeEntries(YamlChild(*root, "clusters"), "cluster", origin, merged.clusters);
    MergeEntries(YamlChild(*root, "users"), "user", origin, merged.users);
    YAML::Node const contexts = YamlChild(*root, "contexts");
    if (IsYamlSequence(contexts)) {
      for (auto const& item : contexts) {
        auto name = YamlString(item, "name");
        if (!name || merged.Context(*name)) continue;
        merged.contexts.emplace_back(*name,
                                     Entry{YamlChild(item, "context"), origin.dir, origin.source});
      }
    }
  }
  if (merged.files.empty()) {
    return Fail(ErrorCode::kNotFound, "no kubeconfig found (looked for " + Join(paths, ", ") + ")");
  }
  return merged;
}

std::string Resolve(Entry const& entry, std::string const& path) {
  fs::path p(path);
  if (p.is_absolute() || entry.dir.empty()) return p.string();
  return (fs::path(entry.dir) / p).string();
}

// Reads a file a kubeconfig entry points to. Names the path and the referring entry, which
// are configuration, never the file's content.
Result<std::string> ReadReferencedFile(Entry const& entry, std::string const& path,
                                       std::string const& what) {
  std::string resolved = Resolve(entry, path);
  std::string content;
  if (!ReadFile(resolved, content)) {
    return Fail(ErrorCode::kNotFound, "cannot read " + resolved + ", referenced by " + what);
  }
  return content;
}

// A PEM value given inline as base64 (`<key>-data`) or as a file path (`<key>`).
Result<std::optional<std::string>> ReadPem(Entry const& entry, std::string const& key,
                                           std::string const& what) {
  std::optional<std::string> raw = YamlString(entry.body, key + "-data");
  if (!raw || raw->empty()) {
    auto path = YamlString(entry.body, key);
    if (!path || path->empty()) return std::optional<std::string>{};
    auto content = ReadReferencedFile(entry, *path, "'" + key + "' of " + what);
    if (!content) return tl::unexpected(content.error());
    raw = std::move(*content);
  }
  auto pem = NormalizePem(*raw, key);
  if (!pem) {
    return Fail(ErrorCode::kInvalidArgument,
                "the '" + key + "' of " + what + " is neither PEM nor base64-encoded PEM");
  }
  return std::optional<std::string>(std::move(*pem));
}

Result<std::string> PickContextName(MergedKubeconfig const& kc,
                                    std::optional<std::string> const& wanted) {
  std::string files = Join(kc.files, ", ");
  if (!wanted) {
    if (!kc.current_context) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the kubeconfig (" + files +
                      ") has no current context; name the context to use as the resource ID");
    }
    if (!kc.Context(*kc.current_context)) {
      return Fail(ErrorCode::kNotFound, "the current kubeconfig context '" + *kc.current_context +
                                            "' is not defined in " + files);
    }
    return *kc.current_context;
  }
  if (kc.Context(*wanted)) return *wanted;
  if (kc.current_context) {
    if (auto const* current = kc.Context(*kc.current_context);
        current && YamlString(current->body, "cluster") == *wanted) {
      return *kc.current_context;
    }
  }
  for (auto const& [name, entry] : kc.contexts) {
    if (YamlString(entry.body, "cluster") == *wanted) return name;
  }
  return Fail(ErrorCode::kNotFound,
              "no kubeconfig context or cluster named '" + *wanted + "' in " + files);
}

Result<void> ReadCluster(Entry const& cluster, std::string const& name,
                         KubernetesCredentials& creds) {
  std::string what = "kubeconfig cluster '" + name + "'";
  auto server = YamlString(cluster.body, "server");
  if (!server || server->empty()) {
    return Fail(ErrorCode::kInvalidArgument, "the " + what + " has no server URL");
  }
  creds.server = *server;
  creds.cluster_name = name;
  creds.insecure = YamlBool(cluster.body, "insecure-skip-tls-verify");
  auto ca = ReadPem(cluster, "certificate-authority", what);
  if (!ca) return tl::unexpected(ca.error());
  creds.ca_pem = std::move(*ca);
  return {};
}

Result<void> ReadUser(Entry const* user, std::string const& user_name,
                      std::string const& context_name, KubernetesCredentials& creds) {
  std::string what = "kubeconfig user '" + user_name + "'";
  if (user && IsYamlMap(user->body)) {
    creds.token = NonEmpty(YamlString(user->body, "token"));
    if (!creds.token) {
      if (auto file = NonEmpty(YamlString(user->body, "tokenFile"))) {
        auto content = ReadReferencedFile(*user, *file, "'tokenFile' of " + what);
        if (!content) return tl::unexpected(content.error());
        creds.token = NonEmpty(Trim(*content));
      }
    }
    auto cert = ReadPem(*user, "client-certificate", what);
    if (!cert) return tl::unexpected(cert.error());
    auto key = ReadPem(*user, "client-key", what);
    if (!key) return tl::unexpected(key.error());
    creds.client_cert_pem = std::move(*cert);
    creds.client_key_pem = std::move(*key);
    creds.username = NonEmpty(YamlString(user->body, "username"));
    creds.password = NonEmpty(YamlString(user->body, "password"));
  }
  if (creds.token || creds.client_cert_pem || creds.client_key_pem || creds.username) return {};

  std::string how;
  if (user && IsYamlMap(YamlChild(user->body, "exec"))) {
    auto command = YamlString(YamlChild(user->body, "exec"), "command");
    how = "an exec plugin ('" + command.value_or("?") + "')";
  } else if (user && IsYamlMap(YamlChild(user->body, "auth-provider"))) {
    auto provider = YamlString(YamlChild(user->body, "auth-provider"), "name");
    how = "an auth provider ('" + provider.value_or("?") + "')";
  }
  if (!how.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the " + what + " of context '" + context_name + "' gets its credentials from " +
                    how +
                    ", which mints them on demand; they cannot be lifted into a connector. For "
                    "EKS, GKE or AKS clusters register an aws, gcp or azure connector instead; "
                    "otherwise configure a token or client certificate");
  }
  return Fail(ErrorCode::kFailedPrecondition,
              "the " + what + " of context '" + context_name +
                  "' holds no token, client certificate or username/password to lift");
}

Result<KubeconfigSelection> ReadSelection(Environment const& env,
                                          std::optional<std::string> const& context) {
  auto kc = LoadMerged(env);
  if (!kc) return tl::unexpected(kc.error());
  auto context_name = PickContextName(*kc, context);
  if (!context_name) return tl::unexpected(context_name.error());
  Entry const& ctx_entry = *kc->Context(*context_name);

  KubeconfigSelection selection;
  selection.context_name = *context_name;
  selection.source = ctx_entry.source;
  auto cluster_name = YamlString(ctx_entry.body, "cluster");
  if (!cluster_name || cluster_name->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "kubeconfig context '" + *context_name + "' names no cluster");
  }
  auto cluster = kc->clusters.find(*cluster_name);
  if (cluster == kc->clusters.end()) {
    return Fail(ErrorCode::kNotFound, "kubeconfig context '" + *context_name +
                                          "' refers to cluster '" + *cluster_name +
                                          "', which is not defined");
  }
  if (auto r = ReadCluster(cluster->second, *cluster_name, selection.credentials); !r) {
    return tl::unexpected(r.error());
  }

  selection.user_name = YamlString(ctx_entry.body, "user").value_or("");
  auto user = kc->users.find(selection.user_name);
  Entry const* user_entry = user == kc->users.end() ? nullptr : &user->second;
  if (auto r = ReadUser(user_entry, selection.user_name, *context_name, selection.credentials);
      !r) {
    return tl::unexpected(r.error());
  }
  return selection;
}

}  // namespace

Result<KubeconfigSelection> ReadKubeconfigContext(Environment const& env,
                                                  std::optional<std::string> const& context) {
  // The helpers avoid yaml-cpp's throwing accessors; this is the backstop for what they miss.
  try {
    return ReadSelection(env, context);
  } catch (YAML::Exception const& e) {
    return Fail(ErrorCode::kInvalidArgument, "unexpected kubeconfig structure: " + e.msg);
  } catch (std::exception const&) {
    return Fail(ErrorCode::kInternal, "unexpected error while reading the kubeconfig");
  }
}

}  // namespace latchkey
