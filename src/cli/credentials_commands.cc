// `latchkey credentials aws | kubernetes`: fresh client credentials printed in the format a
// tool's refresh hook reads (AWS credential_process, kubectl exec plugin). The tool runs the
// command whenever its cached credentials near their expiry; `service-connector login` writes
// the configuration that makes it do so. Each run after the first is answered from the local
// credential cache while its entry may be served (cli/cached_issue.h); --no-cache issues afresh.
#include <iostream>

#include "cli/app.h"
#include "cli/cached_issue.h"
#include "cli/client_target.h"
#include "cli/credential_formats.h"
#include "connectors/kubernetes/kubernetes_spec.h"

namespace latchkey::cli {
namespace {

struct CredentialsArgs {
  ClientTarget target;
  std::string home;
  bool no_cache = false;
};

using Formatter = Result<nlohmann::json> (*)(Connector const&);

void AddProtocol(CLI::App& group, CliState& state, std::string const& name,
                 std::string const& description, Formatter format,
                 std::string const& default_resource_type) {
  auto args = std::make_shared<CredentialsArgs>();
  auto* command = group.add_subcommand(name, description);
  AddTargetOptions(*command, args->target);
  AddHomeOption(*command, args->home);
  AddNoCacheOption(*command, args->no_cache);
  OnRun(*command, state, [&state, args, format, default_resource_type]() -> Result<void> {
    ApplyHomeOption(state, args->home);
    ApplyNoCacheOption(state, args->no_cache);
    ClientTarget target = args->target;
    if (target.resource_type.empty()) target.resource_type = default_resource_type;
    // From the local credential cache until the credentials near their expiry (cached_issue.h).
    auto client = IssueClientCached(state, target);
    if (!client) return tl::unexpected(client.error());
    auto document = format(*client);
    if (!document) return tl::unexpected(document.error());
    // One line and one write: the reading tool parses stdout only after the process exits.
    std::cout << document->dump() << "\n" << std::flush;
    return {};
  });
}

}  // namespace

void AddCredentialsCommands(CLI::App& app, CliState& state) {
  auto* group = app.add_subcommand(
      "credentials", "Print fresh client credentials in a tool's credential-refresh format");
  group->require_subcommand(1);
  AddProtocol(*group, state, "aws",
              "AWS credential_process JSON (Version 1) for an AWS resource; use as "
              "`credential_process` in an AWS CLI profile",
              AwsProcessCredentials, "");
  AddProtocol(*group, state, "kubernetes",
              "Kubernetes ExecCredential (client.authentication.k8s.io/v1) for a cluster; use as a "
              "kubeconfig user's `exec` plugin",
              KubernetesExecCredential, kKubernetesClusterResourceType);
  group->get_subcommand("kubernetes")->alias("k8s");
}

}  // namespace latchkey::cli
