#include "connectors/kubernetes/kubeconfig_paths.h"

#include <filesystem>

#include "common/strings.h"

namespace latchkey {

std::vector<std::string> KubeconfigPaths(Environment const& env) {
  std::vector<std::string> paths;
  if (auto list = env.Get("KUBECONFIG")) {
    for (auto const& entry : Split(*list, ':')) {
      std::string path = Trim(entry);
      if (!path.empty()) paths.push_back(path);
    }
  }
  if (paths.empty()) {
    paths.push_back((std::filesystem::path(env.Home()) / ".kube" / "config").string());
  }
  return paths;
}

std::string KubeconfigWritePath(Environment const& env) { return KubeconfigPaths(env).front(); }

}  // namespace latchkey
