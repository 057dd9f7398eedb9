// Entra ID's token answers (the client-credentials grant, through a scripted peer whose answer is
// the input: byte 0 picks 200 or an error status) and `az account get-access-token` output.
// An error must not echo the client secret.
#include "connectors/azure/entra_token.h"
#include "connectors/azure/implicit_token.h"
#include "core/context.h"
#include "fuzz_util.h"

namespace azure = latchkey::azure;

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  std::string text = latchkey::fuzz::AsString(data + 1, size - 1);
  latchkey::TimePoint now{std::chrono::seconds(1767225600)};
  if (data[0] % 4 == 3) {
    (void)azure::ParseAzCliToken(text);
    return 0;
  }
  static constexpr long kStatuses[] = {200, 400, 401};
  latchkey::fuzz::ScriptedHttp http;
  http.response.status = kStatuses[data[0] % 4];
  http.response.body = text;
  latchkey::Context ctx{http, now, {}};
  azure::ClientCredentials credentials{"https://login.microsoftonline.com", "tenant-1", "client-1",
                                       "Fuzz~Client~Secret~Value"};
  azure::ClearTokenCache();
  auto token =
      azure::ClientCredentialsToken(ctx, credentials, "https://storage.azure.com/.default");
  if (!token) {
    FUZZ_CHECK(token.error().message.find(credentials.client_secret) == std::string::npos,
               token.error().message);
  } else {
    FUZZ_CHECK(http.response.status == 200, text);
  }
  return 0;
}
