// One signed AWS API call: endpoint resolution, SigV4, bounded retries with jittered backoff for
// throttling and 5xx answers, and AWS error bodies (XML or JSON) turned into clear errors that
// never repeat a credential.
#pragma once

#include <optional>
#include <string>

#include "connectors/aws/aws_credentials.h"
#include "core/context.h"
#include "http/http_client.h"

namespace latchkey::aws {

// Where the connector's calls go: AWS itself by default, or an S3-compatible system / moto.
struct AwsEndpoint {
  std::string region;
  std::optional<std::string> endpoint_url;      // every service
  std::optional<std::string> sts_endpoint_url;  // STS only (overrides endpoint_url)

  // Base URL (no trailing slash) of `service` ("sts", "s3", "eks", "ecr").
  std::string BaseUrl(std::string const& service) const;
  bool IsCustom(std::string const& service) const;
};

struct AwsCall {
  std::string service;  // signing name: sts, s3, eks, ecr
  std::string method = "GET";
  std::string url;  // encoded, complete
  HttpHeaders headers;
  std::string body;
};

// Sends `call` signed with `creds`. Returns the response for 2xx; an error otherwise, whose code
// reflects the AWS error (kUnauthenticated, kPermissionDenied, kNotFound, kUnavailable, ...).
Result<HttpResponse> SendAws(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                             AwsCall const& call);

// The AWS error code and message of an error body (both XML shapes and both JSON protocols).
struct AwsErrorInfo {
  std::string code;
  std::string message;
};
AwsErrorInfo ParseAwsError(HttpResponse const& response);

// Form-encodes query-API parameters (AWS wants %20, not '+').
std::string FormEncode(std::vector<std::pair<std::string, std::string>> const& params);

}  // namespace latchkey::aws
