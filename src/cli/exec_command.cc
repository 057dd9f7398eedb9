// `latchkey exec CONNECTOR [-r TYPE] [--resource-id ID] -- COMMAND...`: runs a command whose AWS
// SDKs fetch credentials from a loopback container-credentials endpoint for as long as it runs
// (aws-vault's --server model). The command never sees a key in its environment, and
// long-running work outlives any single set of STS credentials.
#include <algorithm>
#include <iostream>

#include "cli/app.h"
#include "cli/child_process.h"
#include "cli/client_target.h"
#include "cli/credential_formats.h"
#include "cli/credentials_endpoint.h"
#include "common/strings.h"
#include "connectors/aws/aws_call.h"
#include "connectors/aws/aws_config_files.h"
#include "connectors/aws/aws_spec.h"

namespace latchkey::cli {
namespace {

struct ExecArgs {
  ClientTarget target;
  std::vector<std::string> command;
};

// Variables through which SDKs would find other credentials before the container endpoint, or
// another endpoint: the command must use ours.
constexpr char const* kShadowingVariables[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
};

ChildCommand ChildFor(ExecArgs const& args, Environment const& env, Connector const& client,
                      CredentialsEndpoint const& endpoint) {
  ChildCommand child{args.command, {}};
  for (char const* name : kShadowingVariables) child.env[name] = std::nullopt;
  child.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = endpoint.url();
  child.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = endpoint.token();
  // SDKs that honour proxy settings must still reach the loopback endpoint directly.
  for (char const* name : {"NO_PROXY", "no_proxy"}) {
    std::string value = env.Get(name).value_or("");
    auto hosts = Split(value, ',');
    if (std::find(hosts.begin(), hosts.end(), "127.0.0.1") == hosts.end()) {
      child.env[name] = value.empty() ? "127.0.0.1" : value + ",127.0.0.1";
    }
  }
  // Where the credentials work: the connector's region and endpoints, unless the caller chose.
  auto set_default = [&](std::string const& name, std::optional<std::string> const& value) {
    if (value && !value->empty() && !env.Get(name)) child.env[name] = *value;
  };
  set_default("AWS_REGION", client.Value("region"));
  set_default("AWS_DEFAULT_REGION", client.Value("region"));
  set_default("AWS_ENDPOINT_URL", client.Value("endpoint_url"));
  for (char const* service : aws::kAwsServices) {
    set_default("AWS_ENDPOINT_URL_" + ToUpper(service),
                client.Value(aws::ServiceEndpointField(service)));
  }
  return child;
}

// SDKs read a [default] profile's keys before they ask the container endpoint.
void WarnAboutDefaultProfile(Environment const& env) {
  aws::IniFile credentials;
  std::string text;
  std::string path = aws::CredentialsFilePath(env);
  if (!ReadFile(path, text)) return;
  credentials = aws::ParseIni(text);
  auto it = credentials.find("default");
  if (it != credentials.end() && it->second.count("aws_access_key_id")) {
    std::cerr << "Warning: the [default] profile in " << path
              << " holds access keys, which AWS SDKs use before the credentials endpoint; "
                 "set AWS_SHARED_CREDENTIALS_FILE=/dev/null for the command if it picks "
                 "them up.\n";
  }
}

Result<void> Exec(CliState& state, ExecArgs const& args) {
  ForwardedSignals signals;  // before any thread starts, so every thread inherits the mask
  auto client = IssueClient(state, args.target);
  if (!client) return tl::unexpected(client.error());
  // Checked now, so a connector that issues no AWS credentials fails before the command runs.
  if (auto document = AwsProcessCredentials(*client); !document) {
    return tl::unexpected(document.error());
  }
  Backend* backend = *state.backend();
  ClientTarget target = args.target;
  CredentialsEndpointOptions options;
  options.issue = [backend, target]() {
    return backend->GetConnectorClient(target.connector, Opt(target.resource_type),
                                       Opt(target.resource_id));
  };
  options.initial = *client;
  CredentialsEndpoint endpoint(std::move(options));
  if (auto started = endpoint.Start(); !started) {
    return Fail(started.error(), "cannot start the credentials endpoint");
  }
  WarnAboutDefaultProfile(state.env());
  auto status = RunChild(ChildFor(args, state.env(), *client, endpoint));
  endpoint.Stop();
  if (!status) {
    // A command that cannot be found exits 127 and one that cannot run 126, as in a shell.
    std::cerr << "Error: " << status.error().message << "\n";
    state.exit_code = status.error().code == ErrorCode::kNotFound ? 127 : 126;
    return {};
  }
  state.exit_code = *status;
  return {};
}

}  // namespace

void AddExecCommand(CLI::App& app, CliState& state) {
  auto args = std::make_shared<ExecArgs>();
  auto* command = app.add_subcommand(
      "exec",
      "Run a command whose AWS SDKs get fresh credentials from a loopback endpoint while it "
      "runs (AWS_CONTAINER_CREDENTIALS_FULL_URI)");
  AddTargetOptions(*command, args->target);
  command->add_option("command", args->command, "The command and its arguments, after --")
      ->required();
  command->footer(
      "Example: latchkey exec aws-s3 --resource-id s3://bucket -- aws s3 ls s3://bucket");
  OnRun(*command, state, [&state, args]() { return Exec(state, *args); });
}

}  // namespace latchkey::cli
