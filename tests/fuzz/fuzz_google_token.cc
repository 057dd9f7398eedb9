// Google's answers and credential files: the token endpoint's JSON (OAuth2 and IAM Credentials
// spellings), error bodies (GoogleError must keep the secret out and stay on one line), and the
// service-account key, authorized-user and external-account files a user registers. The first
// byte picks the reader.
#include "connectors/gcp/credential_files.h"
#include "connectors/gcp/google_api.h"
#include "fuzz_util.h"

namespace gcp = latchkey::gcp;

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  std::string text = latchkey::fuzz::AsString(data + 1, size - 1);
  latchkey::TimePoint now{std::chrono::seconds(1767225600)};
  switch (data[0] % 6) {
    case 0:
      if (auto token = gcp::ParseTokenResponse(text, now)) {
        if (token->expires_at) FUZZ_CHECK(*token->expires_at > now, text);
      }
      break;
    case 1: {
      std::string const secret = "ya29.fuzz-secret-token";
      latchkey::HttpResponse response{403, {}, text + secret};
      auto error = gcp::GoogleError(response, secret);
      FUZZ_CHECK(error.message.find(secret) == std::string::npos, error.message);
      FUZZ_CHECK(error.message.find_first_of("\r\n") == std::string::npos, error.message);
      break;
    }
    case 2:
      (void)gcp::ParseServiceAccountKey(text, "the key file");
      break;
    case 3:
      (void)gcp::ParseAuthorizedUser(text, "the credentials file");
      break;
    case 4:
      (void)gcp::ParseExternalAccount(text, "the credentials file");
      break;
    default:
      (void)gcp::CredentialFileType(text, "the credentials file");
      break;
  }
  return 0;
}
