#include "connectors/azure/blob_api.h"

#include <fmt/format.h>

#include <pugixml.hpp>

#include "common/strings.h"
#include "connectors/azure/azure_error.h"
#include "connectors/azure/shared_key.h"

namespace latchkey::azure {
namespace {

Result<HttpResponse> Send(Context& ctx, BlobTarget const& target, std::string method,
                          std::string const& path_and_query, std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.url = target.endpoint + path_and_query;
  if (target.sas) {
    request.url += (path_and_query.find('?') == std::string::npos ? "?" : "&") + *target.sas;
  }
  request.body = std::move(body);
  request.timeout = ctx.timeout;
  request.tls.ca_pem = target.ca_pem;
  request.headers.emplace_back("x-ms-version", kBlobApiVersion);
  request.headers.emplace_back("x-ms-date", Rfc1123Date(ctx.now));
  if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/xml");
  if (target.bearer_token) {
    request.headers.emplace_back("Authorization", "Bearer " + *target.bearer_token);
  } else if (target.account_key) {
    if (auto r = SignSharedKey(request, target.account, *target.account_key, ctx.now); !r) {
      return tl::unexpected(r.error());
    }
  }
  auto response = ctx.http.Send(request);
  if (!response) {
    std::string what = "cannot reach the Blob service at " + target.endpoint;
    // libcurl's words for an untrusted chain; the fix is a field of this connector.
    if (response.error().message.find("certificate") != std::string::npos && !target.ca_pem) {
      what += " (if its certificate is from a private CA, set blob_ca_certificate)";
    }
    return Fail(response.error(), what);
  }
  return response;
}

}  // namespace

// The service's <Error><Code/><Message/></Error>, reduced to one line without request IDs.
Error BlobError(HttpResponse const& r, std::string const& what) {
  pugi::xml_document doc;
  std::string code, message;
  if (doc.load_string(r.body.c_str())) {
    code = doc.child("Error").child_value("Code");
    message = doc.child("Error").child_value("Message");
  }
  if (code.empty()) code = r.Header("x-ms-error-code").value_or("");
  return AzureServiceError(r.status, code, message, what, r.url);
}

std::string BlobEndpointFor(std::string const& account,
                            std::optional<std::string> const& blob_endpoint,
                            std::string const& suffix) {
  std::string endpoint = blob_endpoint && !blob_endpoint->empty()
                             ? *blob_endpoint
                             : fmt::format("https://{}.blob.{}", account, suffix);
  while (EndsWith(endpoint, "/")) endpoint.pop_back();
  return endpoint;
}

Result<std::vector<std::string>> ListContainers(Context& ctx, BlobTarget const& target) {
  std::vector<std::string> names;
  std::string marker;
  for (int page = 0; page < 100; ++page) {
    std::string query = "/?comp=list&maxresults=5000";
    if (!marker.empty()) query += "&marker=" + marker;
    auto r = Send(ctx, target, "GET", query);
    if (!r) return tl::unexpected(r.error());
    if (r->status != 200) {
      return tl::unexpected(BlobError(
          *r, fmt::format("listing the containers of storage account '{}'", target.account)));
    }
    pugi::xml_document doc;
    if (!doc.load_string(r->body.c_str())) {
      return Fail(ErrorCode::kUnavailable,
                  "the Blob service answered List Containers with "
                  "malformed XML");
    }
    auto root = doc.child("EnumerationResults");
    for (auto c : root.child("Containers").children("Container")) {
      names.emplace_back(c.child_value("Name"));
    }
    marker = root.child_value("NextMarker");
    if (marker.empty()) break;
  }
  return names;
}

Result<void> CheckContainer(Context& ctx, BlobTarget const& target, std::string const& container) {
  auto r = Send(ctx, target, "GET", "/" + container + "?restype=container");
  if (!r) return tl::unexpected(r.error());
  if (r->status == 200) return {};
  return tl::unexpected(
      BlobError(*r, fmt::format("reading blob container '{}' in storage account '{}'", container,
                                target.account)));
}

Result<void> ListBlobsWithSas(Context& ctx, BlobTarget const& target,
                              std::string const& container) {
  auto r = Send(ctx, target, "GET", "/" + container + "?restype=container&comp=list&maxresults=1");
  if (!r) return tl::unexpected(r.error());
  if (r->status == 200) return {};
  return tl::unexpected(
      BlobError(*r, fmt::format("listing blob container '{}' with the SAS", container)));
}

Result<UserDelegationKey> GetUserDelegationKey(Context& ctx, BlobTarget const& target,
                                               TimePoint start, TimePoint expiry) {
  std::string body = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>{}"
      "</Start><Expiry>{}</Expiry></KeyInfo>",
      FormatIso8601(start), FormatIso8601(expiry));
  auto r = Send(ctx, target, "POST", "/?restype=service&comp=userdelegationkey", body);
  if (!r) return tl::unexpected(r.error());
  if (r->status != 200) {
    return tl::unexpected(BlobError(
        *r, fmt::format("getting a user delegation key from storage account '{}' (the identity "
                        "needs the Storage Blob Delegator role)",
                        target.account)));
  }
  pugi::xml_document doc;
  auto k = doc.load_string(r->body.c_str()) ? doc.child("UserDelegationKey") : pugi::xml_node();
  UserDelegationKey key{k.child_value("SignedOid"),     k.child_value("SignedTid"),
                        k.child_value("SignedStart"),   k.child_value("SignedExpiry"),
                        k.child_value("SignedService"), k.child_value("SignedVersion"),
                        k.child_value("Value")};
  if (key.value.empty()) {
    return Fail(ErrorCode::kUnavailable,
                "the Blob service answered Get User Delegation Key "
                "without a key");
  }
  return key;
}

}  // namespace latchkey::azure
