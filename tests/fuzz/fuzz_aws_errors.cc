// AWS error answers: JSON bodies (EKS, ECR), XML bodies (STS, S3) and the x-amzn-errortype
// header, as ParseAwsError reads them, then ScrubCredentials over the message: the caller's keys
// must never survive into an error text, wherever the peer echoed them.
#include "connectors/aws/aws_call.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size > 16384) return 0;
  auto fields = latchkey::fuzz::SplitFields(data, size, 2);
  latchkey::HttpResponse response;
  response.status = 400;
  if (!fields[0].empty()) response.headers.emplace_back("x-amzn-errortype", fields[0]);
  response.body = fields[1];
  auto info = latchkey::aws::ParseAwsError(response);

  latchkey::aws::AwsCredentials creds;
  creds.access_key_id = "AKIAFUZZEXAMPLE0KEY1";
  creds.secret_access_key = "fuzzSecretAccessKey/Example+0123456789abc";
  creds.session_token = "FwoGZXIvYXdzEFuzzSessionToken";
  std::string text = info.code + " " + info.message + " " + creds.access_key_id + " " +
                     *creds.session_token + creds.secret_access_key;
  std::string scrubbed = latchkey::aws::ScrubCredentials(text, creds);
  for (std::string const& secret :
       {creds.access_key_id, creds.secret_access_key, *creds.session_token}) {
    FUZZ_CHECK(scrubbed.find(secret) == std::string::npos, scrubbed);
  }
  return 0;
}
