// What `credential_process`, the kubectl exec plugin (ExecCredential), the AWS container
// endpoint and the docker credential helper print is built from the client connector the
// server answered with: that answer, decoded by ConnectorFromJson, is the input here. Every
// document printed must be one line of JSON. The first byte picks the format.
#include "cli/credential_formats.h"
#include "core/model_json.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  auto body = nlohmann::json::parse(latchkey::fuzz::AsString(data + 1, size - 1), nullptr, false);
  if (body.is_discarded()) return 0;
  auto client = latchkey::ConnectorFromJson(body);
  if (!client) return 0;
  latchkey::TimePoint now{std::chrono::seconds(1767225600)};
  latchkey::Result<nlohmann::json> document = nlohmann::json();
  switch (data[0] % 4) {
    case 0:
      document = latchkey::cli::AwsProcessCredentials(*client);
      break;
    case 1:
      document = latchkey::cli::AwsContainerCredentials(*client, now, std::chrono::seconds(3600));
      break;
    case 2:
      document = latchkey::cli::KubernetesExecCredential(*client);
      break;
    default:
      document = latchkey::cli::DockerHelperCredentials(*client, "https://registry.example:5000");
      break;
  }
  if (!document) return 0;
  std::string printed = document->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  FUZZ_CHECK(printed.find('\n') == std::string::npos, printed);
  FUZZ_CHECK(!nlohmann::json::parse(printed, nullptr, false).is_discarded(), printed);
  return 0;
}
