#include "connectors/aws/service_apis.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "common/json_fields.h"
#include "connectors/aws/uri_encoding.h"
#include "crypto/encoding.h"

namespace latchkey::aws {
namespace {

constexpr int kMaxPages = 50;  // bounds pagination against a misbehaving endpoint

Result<nlohmann::json> JsonBody(HttpResponse const& response, char const* what) {
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Fail(ErrorCode::kUnavailable, fmt::format("{} answered with invalid JSON", what));
  }
  return json;
}

Result<nlohmann::json> CallEcr(Context& ctx, AwsEndpoint const& endpoint,
                               AwsCredentials const& creds, std::string const& action,
                               nlohmann::json const& body) {
  AwsCall call;
  call.service = "ecr";
  call.method = "POST";
  call.url = endpoint.BaseUrl("ecr") + "/";
  call.headers = {{"content-type", "application/x-amz-json-1.1"},
                  {"x-amz-target", "AmazonEC2ContainerRegistry_V20150921." + action}};
  call.body = body.dump();
  auto response = SendAws(ctx, endpoint, creds, call);
  if (!response) return tl::unexpected(response.error());
  return JsonBody(*response, "ECR");
}

}  // namespace

Result<std::vector<std::string>> ListBuckets(Context& ctx, AwsEndpoint const& endpoint,
                                             AwsCredentials const& creds) {
  AwsCall call{"s3", "GET", endpoint.BaseUrl("s3") + "/", {}, ""};
  auto response = SendAws(ctx, endpoint, creds, call);
  if (!response) return tl::unexpected(response.error());
  pugi::xml_document doc;
  if (!doc.load_string(response->body.c_str())) {
    return Fail(ErrorCode::kUnavailable, "S3 answered ListBuckets with something that is not XML");
  }
  std::vector<std::string> names;
  for (auto const& node : doc.select_nodes("//Buckets/Bucket/Name")) {
    names.emplace_back(node.node().child_value());
  }
  return names;
}

namespace {

// Path style for custom endpoints and dotted names (TLS certificates of virtual hosts do not
// cover dots), virtual-host style on AWS itself.
std::string BucketUrl(AwsEndpoint const& endpoint, std::string const& bucket) {
  return endpoint.IsCustom("s3") || bucket.find('.') != std::string::npos
             ? endpoint.BaseUrl("s3") + "/" + UriEncode(bucket)
             : fmt::format("https://{}.s3.{}.amazonaws.com/", bucket, endpoint.region);
}

Error BucketError(Error e, std::string const& bucket) {
  if (e.code == ErrorCode::kNotFound) e.message = "S3 bucket '" + bucket + "' does not exist";
  if (e.code == ErrorCode::kPermissionDenied) {
    e.message = "access to S3 bucket '" + bucket + "' is denied";
  }
  return e;
}

}  // namespace

Result<void> HeadBucket(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                        std::string const& bucket) {
  AwsCall call{"s3", "HEAD", BucketUrl(endpoint, bucket), {}, ""};
  auto response = SendAws(ctx, endpoint, creds, call);
  if (!response) return tl::unexpected(BucketError(response.error(), bucket));
  return {};
}

Result<std::vector<std::string>> ListEksClusters(Context& ctx, AwsEndpoint const& endpoint,
                                                 AwsCredentials const& creds) {
  std::vector<std::string> names;
  std::string next;
  for (int page = 0; page < kMaxPages; ++page) {
    std::string url = endpoint.BaseUrl("eks") + "/clusters";
    if (!next.empty()) url += "?nextToken=" + UriEncode(next);
    auto response = SendAws(ctx, endpoint, creds, AwsCall{"eks", "GET", url, {}, ""});
    if (!response) return tl::unexpected(response.error());
    auto json = JsonBody(*response, "EKS");
    if (!json) return tl::unexpected(json.error());
    for (auto const& n : json->value("clusters", nlohmann::json::array())) {
      if (n.is_string()) names.push_back(n.get<std::string>());
    }
    next = json->contains("nextToken") && (*json)["nextToken"].is_string()
               ? (*json)["nextToken"].get<std::string>()
               : "";
    if (next.empty()) break;
  }
  return names;
}

Result<EksCluster> DescribeEksCluster(Context& ctx, AwsEndpoint const& endpoint,
                                      AwsCredentials const& creds, std::string const& name) {
  std::string url = endpoint.BaseUrl("eks") + "/clusters/" + UriEncode(name);
  auto response = SendAws(ctx, endpoint, creds, AwsCall{"eks", "GET", url, {}, ""});
  if (!response) {
    Error e = response.error();
    if (e.code == ErrorCode::kNotFound) e.message = "EKS cluster '" + name + "' does not exist";
    return tl::unexpected(e);
  }
  auto json = JsonBody(*response, "EKS");
  if (!json) return tl::unexpected(json.error());
  auto const& c = (*json)["cluster"];
  if (!c.is_object()) return Fail(ErrorCode::kUnavailable, "EKS answered without a cluster");
  EksCluster cluster;
  cluster.name = JsonString(c, "name", name);
  cluster.arn = JsonString(c, "arn");
  cluster.endpoint = JsonString(c, "endpoint");
  cluster.ca_data_base64 = JsonString(JsonObjectAt(c, "certificateAuthority"), "data");
  if (cluster.endpoint.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "EKS cluster '" + name + "' has no API endpoint yet (is it still being created?)");
  }
  return cluster;
}

Result<std::vector<std::string>> DescribeEcrRepositories(Context& ctx, AwsEndpoint const& endpoint,
                                                         AwsCredentials const& creds) {
  std::vector<std::string> names;
  nlohmann::json body = nlohmann::json::object();
  for (int page = 0; page < kMaxPages; ++page) {
    auto json = CallEcr(ctx, endpoint, creds, "DescribeRepositories", body);
    if (!json) return tl::unexpected(json.error());
    for (auto const& r : JsonArrayAt(*json, "repositories")) {
      if (r.is_object()) names.push_back(JsonString(r, "repositoryName"));
    }
    if (!json->contains("nextToken") || !(*json)["nextToken"].is_string()) break;
    body["nextToken"] = (*json)["nextToken"];
  }
  return names;
}

Result<EcrAuthorization> GetEcrAuthorizationToken(Context& ctx, AwsEndpoint const& endpoint,
                                                  AwsCredentials const& creds,
                                                  std::string const& account) {
  auto json = CallEcr(ctx, endpoint, creds, "GetAuthorizationToken",
                      {{"registryIds", nlohmann::json::array({account})}});
  if (!json) return tl::unexpected(json.error());
  auto const& data = (*json)["authorizationData"];
  if (!data.is_array() || data.empty() || !data[0].is_object()) {
    return Fail(ErrorCode::kUnavailable, "ECR answered without authorization data");
  }
  auto decoded = crypto::Base64Decode(JsonString(data[0], "authorizationToken"));
  auto colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) {
    return Fail(ErrorCode::kUnavailable, "ECR answered with an unreadable authorization token");
  }
  EcrAuthorization auth;
  auth.username = decoded->substr(0, colon);
  auth.password = decoded->substr(colon + 1);
  auth.proxy_endpoint = JsonString(data[0], "proxyEndpoint");
  if (data[0].contains("expiresAt") && data[0]["expiresAt"].is_number()) {
    // Converting an out-of-range double is undefined: clamped to the years a time can have.
    auth.expires_at =
        TimePoint(ClampedSeconds(data[0]["expiresAt"].get<double>(), kLatestTimestamp));
  }
  return auth;
}

Result<std::vector<S3Object>> ListObjects(Context& ctx, AwsEndpoint const& endpoint,
                                          AwsCredentials const& creds, std::string const& bucket,
                                          std::string const& prefix) {
  std::string base = BucketUrl(endpoint, bucket);
  if (base.back() != '/') base += '/';
  std::vector<S3Object> objects;
  std::string token;
  do {
    // Parameters in the canonical (sorted) order, so the URL is also what SigV4 signs.
    std::string url = base + "?";
    if (!token.empty()) url += "continuation-token=" + UriEncode(token) + "&";
    url += "list-type=2";
    if (!prefix.empty()) url += "&prefix=" + UriEncode(prefix);
    AwsCall call{"s3", "GET", url, {}, ""};
    auto response = SendAws(ctx, endpoint, creds, call);
    if (!response) return tl::unexpected(BucketError(response.error(), bucket));
    pugi::xml_document doc;
    if (!doc.load_string(response->body.c_str())) {
      return Fail(ErrorCode::kUnavailable,
                  "S3 answered ListObjectsV2 with something that is not XML");
    }
    auto result = doc.child("ListBucketResult");
    for (auto const& item : result.children("Contents")) {
      objects.push_back({item.child_value("Key"), item.child("Size").text().as_ullong()});
    }
    bool truncated = std::string_view(result.child_value("IsTruncated")) == "true";
    token = truncated ? result.child_value("NextContinuationToken") : "";
    if (truncated && token.empty()) {
      return Fail(ErrorCode::kUnavailable, "S3 said the listing goes on but gave no token");
    }
  } while (!token.empty());
  return objects;
}

}  // namespace latchkey::aws
