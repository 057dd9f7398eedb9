// What STS, ECR, EKS and S3 answer (XML and JSON), read by the real calls through a scripted
// peer whose 200 answer is the input after the first byte; the first byte picks the call.
#include "connectors/aws/service_apis.h"
#include "connectors/aws/sts_api.h"
#include "core/context.h"
#include "fuzz_util.h"

namespace aws = latchkey::aws;

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  latchkey::fuzz::ScriptedHttp http;
  http.response.status = 200;
  http.response.body = latchkey::fuzz::AsString(data + 1, size - 1);
  latchkey::Context ctx{http, latchkey::TimePoint(std::chrono::seconds(1767225600)), {}};
  aws::AwsEndpoint endpoint{"us-east-1", "http://127.0.0.1:9", {}};
  aws::AwsCredentials creds;
  creds.access_key_id = "AKIAFUZZEXAMPLE0KEY1";
  creds.secret_access_key = "fuzzSecretAccessKey/Example+0123456789abc";
  switch (data[0] % 9) {
    case 0:
      if (auto c = aws::ParseStsCredentials(http.response.body)) {
        FUZZ_CHECK(!c->access_key_id.empty() && !c->secret_access_key.empty(), http.response.body);
      }
      break;
    case 1:
      (void)aws::GetCallerIdentity(ctx, endpoint, creds);
      break;
    case 2: {
      aws::AssumeRoleRequest request;
      request.role_arn = "arn:aws:iam::123456789012:role/r";
      request.session_name = "s";
      (void)aws::AssumeRole(ctx, endpoint, creds, request);
    } break;
    case 3:
      if (auto auth = aws::GetEcrAuthorizationToken(ctx, endpoint, creds, "123456789012")) {
        FUZZ_CHECK(auth->username.find(':') == std::string::npos, auth->username);
      }
      break;
    case 4:
      (void)aws::DescribeEcrRepositories(ctx, endpoint, creds);
      break;
    case 5:
      if (auto cluster = aws::DescribeEksCluster(ctx, endpoint, creds, "c1")) {
        FUZZ_CHECK(!cluster->endpoint.empty(), http.response.body);
      }
      break;
    case 6:
      (void)aws::ListEksClusters(ctx, endpoint, creds);
      break;
    case 7:
      (void)aws::ListBuckets(ctx, endpoint, creds);
      break;
    default:
      (void)aws::ListObjects(ctx, endpoint, creds, "bucket-1", "prefix/");
      break;
  }
  return 0;
}
