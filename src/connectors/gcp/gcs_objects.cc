#include "connectors/gcp/gcs_objects.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "http/url_encoding.h"

namespace latchkey::gcp {
namespace {

constexpr std::chrono::milliseconds kStallTimeout{60000};

std::string ObjectUrl(GcpApi const& api, std::string const& bucket, std::string const& name) {
  return fmt::format("{}/storage/v1/b/{}/o/{}", api.endpoints.BaseUrl("storage"), UrlEncode(bucket),
                     UrlEncode(name));
}

std::string Where(std::string const& bucket, std::string const& name) {
  return "gs://" + bucket + "/" + name;
}

uint64_t SizeOf(nlohmann::json const& object) {
  auto it = object.find("size");  // the JSON API writes sizes as strings (uint64)
  if (it == object.end()) return 0;
  if (it->is_string()) return std::strtoull(it->get<std::string>().c_str(), nullptr, 10);
  if (!it->is_number()) return 0;
  double size = it->get<double>();  // converting an out-of-range double is undefined
  return size > 0 && size < 1.8e19 ? static_cast<uint64_t>(size) : 0;
}

Result<void> SimpleUpload(GcpApi const& api, std::string const& bucket, std::string const& name,
                          ReadAt const& read, uint64_t size, TransferProgress const& progress) {
  HttpRequest request;
  request.method = "POST";
  request.url = fmt::format("{}/upload/storage/v1/b/{}/o?uploadType=media&name={}",
                            api.endpoints.BaseUrl("storage"), UrlEncode(bucket), UrlEncode(name));
  request.headers = {{"Content-Type", "application/octet-stream"}};
  request.timeout = kStallTimeout;
  request.body_size = size;
  request.body_reader = RangeBodyReader(read, 0, size, progress);
  auto response = SendGoogle(api.ctx, api.tokens, request);
  if (!response) return tl::unexpected(response.error());
  return {};
}

Result<std::string> StartResumable(GcpApi const& api, std::string const& bucket,
                                   std::string const& name, uint64_t size) {
  HttpRequest request;
  request.method = "POST";
  request.url = fmt::format("{}/upload/storage/v1/b/{}/o?uploadType=resumable&name={}",
                            api.endpoints.BaseUrl("storage"), UrlEncode(bucket), UrlEncode(name));
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Upload-Content-Type", "application/octet-stream"},
                     {"X-Upload-Content-Length", std::to_string(size)}};
  request.body = "{}";
  auto response = SendGoogle(api.ctx, api.tokens, request);
  if (!response) return tl::unexpected(response.error());
  auto location = response->Header("location");
  if (!location || location->empty()) {
    return Fail(ErrorCode::kUnavailable, "the resumable upload was started without a session URI");
  }
  return *location;
}

// Cancels a session that failed part-way, so no partial upload lingers (best effort).
void CancelResumable(GcpApi const& api, std::string const& session) {
  HttpRequest request;
  request.method = "DELETE";
  request.url = session;
  (void)SendGoogle(api.ctx, api.tokens, request);
}

}  // namespace

Result<void> UploadGcsObject(GcpApi const& api, std::string const& bucket, std::string const& name,
                             ReadAt const& read, uint64_t size, TransferProgress const& progress,
                             uint64_t chunk_size) {
  std::string what = "uploading " + Where(bucket, name);
  if (size < kResumableThreshold) {
    if (auto r = SimpleUpload(api, bucket, name, read, size, progress); !r) {
      return Fail(r.error(), what);
    }
    return {};
  }
  auto session = StartResumable(api, bucket, name, size);
  if (!session) return Fail(session.error(), what);
  for (uint64_t offset = 0; offset < size; offset += chunk_size) {
    uint64_t n = std::min(chunk_size, size - offset);
    HttpRequest request;
    request.method = "PUT";
    request.url = *session;
    request.headers = {
        {"Content-Range", fmt::format("bytes {}-{}/{}", offset, offset + n - 1, size)}};
    request.timeout = kStallTimeout;
    request.body_size = n;
    request.body_reader = RangeBodyReader(read, offset, n, progress);
    // Asked per chunk: a long upload moves on to the next token when one runs out.
    auto token = api.tokens(false);
    if (!token) {
      CancelResumable(api, *session);
      return Fail(token.error(), what);
    }
    request.headers.emplace_back("Authorization", "Bearer " + token->token);
    // Every chunk but the last is answered 308 (resume incomplete), which is not an error here,
    // so this goes around SendGoogle.
    auto response = api.ctx.http.Send(request);
    if (!response) {
      CancelResumable(api, *session);
      return Fail(response.error(), what);
    }
    bool last = offset + n == size;
    bool ok = last ? response->status == 200 || response->status == 201 : response->status == 308;
    if (!ok) {
      CancelResumable(api, *session);
      return Fail(GoogleError(*response, token->token), what);
    }
  }
  return {};
}

Result<uint64_t> DownloadGcsObject(GcpApi const& api, std::string const& bucket,
                                   std::string const& name, ByteSink const& sink,
                                   TransferProgress const& progress) {
  HttpRequest request;
  request.url = ObjectUrl(api, bucket, name) + "?alt=media";
  request.timeout = kStallTimeout;
  uint64_t delivered = 0;
  request.response_sink = CountingSink(sink, progress, delivered);
  auto response = SendGoogle(api.ctx, api.tokens, request);
  if (!response) return Fail(response.error(), "downloading " + Where(bucket, name));
  return delivered;
}

Result<uint64_t> GcsObjectSize(GcpApi const& api, std::string const& bucket,
                               std::string const& name) {
  HttpRequest request;
  request.url = ObjectUrl(api, bucket, name) + "?fields=size";
  auto response = SendGoogle(api.ctx, api.tokens, request);
  if (!response) return Fail(response.error(), Where(bucket, name));
  auto j = nlohmann::json::parse(response->body, nullptr, false);
  if (!j.is_object()) return Fail(ErrorCode::kUnavailable, Where(bucket, name) + ": no metadata");
  return SizeOf(j);
}

Result<std::vector<GcsObject>> ListGcsObjects(GcpApi const& api, std::string const& bucket,
                                              std::string const& prefix) {
  std::vector<GcsObject> out;
  std::string page_token;
  for (int page = 0; page < 10000; ++page) {
    HttpRequest request;
    request.url = fmt::format("{}/storage/v1/b/{}/o?prefix={}&fields={}",
                              api.endpoints.BaseUrl("storage"), UrlEncode(bucket),
                              UrlEncode(prefix), UrlEncode("items(name,size),nextPageToken"));
    if (!page_token.empty()) request.url += "&pageToken=" + UrlEncode(page_token);
    auto response = SendGoogle(api.ctx, api.tokens, request);
    if (!response) return Fail(response.error(), "listing gs://" + bucket);
    auto j = nlohmann::json::parse(response->body, nullptr, false);
    if (!j.is_object()) return Fail(ErrorCode::kUnavailable, "listing gs://" + bucket);
    for (auto const& o : JsonArrayAt(j, "items")) {
      out.push_back({JsonString(o, "name"), SizeOf(o)});
    }
    page_token = JsonString(j, "nextPageToken");
    if (page_token.empty()) return out;
  }
  return Fail(ErrorCode::kUnavailable, "listing gs://" + bucket + ": too many pages");
}

}  // namespace latchkey::gcp
