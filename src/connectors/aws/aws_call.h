// One signed AWS API call: endpoint resolution, SigV4, bounded retries with jittered backoff for
// throttling and 5xx answers, and AWS error bodies (XML or JSON) turned into clear errors that
// never repeat a credential.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "connectors/aws/aws_credentials.h"
#include "core/context.h"
#include "http/http_client.h"

namespace latchkey::aws {

// The services the connector calls, each of which can have its own endpoint override.
inline constexpr char const* kAwsServices[] = {"sts", "s3", "eks", "ecr"};

// Where the connector's calls go: AWS itself by default, or an S3-compatible system / moto.
// As in the AWS SDKs (AWS_ENDPOINT_URL_<SERVICE>), a per-service URL wins over the global one.
struct AwsEndpoint {
  std::string region;
  std::optional<std::string> endpoint_url;                  // every service
  std::map<std::string, std::string> service_endpoint_url;  // "s3" -> URL (overrides endpoint_url)

  // Base URL (no trailing slash) of `service` ("sts", "s3", "eks", "ecr").
  std::string BaseUrl(std::string const& service) const;
  bool IsCustom(std::string const& service) const;
  std::optional<std::string> CustomUrl(std::string const& service) const;
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

// `text` (an AWS message, which sometimes quotes the access key ID) with every value of `creds`
// replaced by [HIDDEN]: nothing credential-shaped reaches an error.
std::string ScrubCredentials(std::string text, AwsCredentials const& creds);

// Form-encodes query-API parameters (AWS wants %20, not '+').
std::string FormEncode(std::vector<std::pair<std::string, std::string>> const& params);

}  // namespace latchkey::aws
