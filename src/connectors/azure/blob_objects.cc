#include "connectors/azure/blob_objects.h"

#include <fmt/format.h>

#include <pugixml.hpp>

#include "crypto/encoding.h"
#include "http/url_encoding.h"

namespace latchkey::azure {
namespace {

constexpr std::chrono::milliseconds kStallTimeout{60000};

std::string Where(std::string const& container, std::string const& name) {
  return "az://" + container + "/" + name;
}

// The URL of `path` (already encoded) with the SAS appended to `query`.
std::string SasUrl(BlobTarget const& t, std::string const& path, std::string const& query) {
  std::string url = t.endpoint + path;
  std::string all = query;
  if (t.sas && !t.sas->empty()) all += (all.empty() ? "" : "&") + *t.sas;
  return all.empty() ? url : url + "?" + all;
}

std::string BlobPath(std::string const& container, std::string const& name) {
  return "/" + UrlEncode(container) + "/" + UrlEncode(name, true);
}

Result<HttpResponse> Send(Context& ctx, BlobTargetSupplier const& supplier, HttpRequest request,
                          std::string const& path, std::string const& query,
                          std::string const& what) {
  auto target = supplier();
  if (!target) return Fail(target.error(), what);
  request.url = SasUrl(*target, path, query);
  request.tls.ca_pem = target->ca_pem;
  request.headers.emplace_back("x-ms-version", kBlobApiVersion);
  if (!request.Streaming()) request.timeout = ctx.timeout;
  auto response = ctx.http.Send(request);
  if (!response) return Fail(response.error(), what);
  if (response->status / 100 != 2) return tl::unexpected(BlobError(*response, what));
  return response;
}

HttpRequest Put(uint64_t size) {
  HttpRequest request;
  request.method = "PUT";
  request.timeout = kStallTimeout;
  request.body_size = size;
  return request;
}

}  // namespace

Result<void> UploadBlob(Context& ctx, BlobTargetSupplier const& target,
                        std::string const& container, std::string const& name, ReadAt const& read,
                        uint64_t size, TransferProgress const& progress, uint64_t block_size) {
  std::string what = "uploading " + Where(container, name);
  std::string path = BlobPath(container, name);
  if (size < kBlockUploadThreshold) {
    HttpRequest request = Put(size);
    request.headers = {{"x-ms-blob-type", "BlockBlob"},
                       {"Content-Type", "application/octet-stream"}};
    request.body_reader = RangeBodyReader(read, 0, size, progress);
    auto r = Send(ctx, target, std::move(request), path, "", what);
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  std::string list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  int block = 0;
  for (uint64_t offset = 0; offset < size; offset += block_size, ++block) {
    uint64_t n = std::min(block_size, size - offset);
    // Block IDs must all have the same length within a blob.
    std::string id = crypto::Base64Encode(fmt::format("latchkey-{:08d}", block));
    HttpRequest request = Put(n);
    request.body_reader = RangeBodyReader(read, offset, n, progress);
    auto r =
        Send(ctx, target, std::move(request), path, "comp=block&blockid=" + UrlEncode(id), what);
    if (!r) return tl::unexpected(r.error());
    list += "<Latest>" + id + "</Latest>";
  }
  list += "</BlockList>";
  HttpRequest commit;
  commit.method = "PUT";
  commit.body = std::move(list);
  commit.headers = {{"Content-Type", "application/xml"},
                    {"x-ms-blob-content-type", "application/octet-stream"}};
  auto r = Send(ctx, target, std::move(commit), path, "comp=blocklist", what);
  if (!r) return tl::unexpected(r.error());
  return {};
}

Result<uint64_t> DownloadBlob(Context& ctx, BlobTargetSupplier const& target,
                              std::string const& container, std::string const& name,
                              ByteSink const& sink, TransferProgress const& progress) {
  HttpRequest request;
  request.timeout = kStallTimeout;
  uint64_t delivered = 0;
  request.response_sink = CountingSink(sink, progress, delivered);
  auto r = Send(ctx, target, std::move(request), BlobPath(container, name), "",
                "downloading " + Where(container, name));
  if (!r) return tl::unexpected(r.error());
  return delivered;
}

Result<uint64_t> BlobSize(Context& ctx, BlobTargetSupplier const& target,
                          std::string const& container, std::string const& name) {
  HttpRequest request;
  request.method = "HEAD";
  auto r =
      Send(ctx, target, std::move(request), BlobPath(container, name), "", Where(container, name));
  if (!r) return tl::unexpected(r.error());
  return std::strtoull(r->Header("content-length").value_or("0").c_str(), nullptr, 10);
}

Result<std::vector<BlobEntry>> ListBlobs(Context& ctx, BlobTargetSupplier const& target,
                                         std::string const& container, std::string const& prefix) {
  std::vector<BlobEntry> out;
  std::string marker;
  for (int page = 0; page < 10000; ++page) {
    std::string query = "restype=container&comp=list&prefix=" + UrlEncode(prefix);
    if (!marker.empty()) query += "&marker=" + UrlEncode(marker);
    HttpRequest request;
    auto r = Send(ctx, target, std::move(request), "/" + UrlEncode(container), query,
                  "listing az://" + container);
    if (!r) return tl::unexpected(r.error());
    pugi::xml_document doc;
    if (!doc.load_string(r->body.c_str())) {
      return Fail(ErrorCode::kUnavailable, "listing az://" + container + ": not XML");
    }
    auto results = doc.child("EnumerationResults");
    for (auto blob : results.child("Blobs").children("Blob")) {
      out.push_back(
          {blob.child_value("Name"),
           std::strtoull(blob.child("Properties").child_value("Content-Length"), nullptr, 10)});
    }
    marker = results.child_value("NextMarker");
    if (marker.empty()) return out;
  }
  return Fail(ErrorCode::kUnavailable, "listing az://" + container + ": too many pages");
}

}  // namespace latchkey::azure
