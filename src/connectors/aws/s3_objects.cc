#include "connectors/aws/s3_objects.h"

#include <fmt/format.h>

#include <algorithm>
#include <pugixml.hpp>
#include <thread>

#include "common/strings.h"
#include "connectors/aws/sigv4.h"
#include "connectors/aws/uri_encoding.h"

namespace latchkey::aws {
namespace {

constexpr int kMaxStreamedAttempts = 3;
constexpr uint64_t kMinPartSize = 5ull << 20;
constexpr uint64_t kMaxParts = 10000;

// Path style for custom endpoints and dotted bucket names, virtual-host style on AWS itself
// (as ListObjects in service_apis.cc).
std::string ObjectUrl(AwsEndpoint const& endpoint, std::string const& bucket,
                      std::string const& key) {
  std::string path = UriEncode(key, true);
  if (endpoint.IsCustom("s3") || bucket.find('.') != std::string::npos) {
    return endpoint.BaseUrl("s3") + "/" + UriEncode(bucket) + "/" + path;
  }
  return fmt::format("https://{}.s3.{}.amazonaws.com/{}", bucket, endpoint.region, path);
}

std::string Where(std::string const& bucket, std::string const& key) {
  return fmt::format("s3://{}/{}", bucket, key);
}

Error ResponseError(HttpResponse const& response, AwsCredentials const& creds,
                    std::string const& what) {
  AwsErrorInfo info = ParseAwsError(response);
  ErrorCode code = ErrorCode::kUnavailable;
  if (response.status == 403) code = ErrorCode::kPermissionDenied;
  if (response.status == 404) code = ErrorCode::kNotFound;
  if (info.code == "SignatureDoesNotMatch" || info.code == "InvalidAccessKeyId" ||
      info.code == "ExpiredToken" || info.code == "InvalidToken") {
    code = ErrorCode::kUnauthenticated;
  }
  if (response.status >= 400 && response.status < 500 && code == ErrorCode::kUnavailable) {
    code = ErrorCode::kFailedPrecondition;
  }
  std::string name = info.code.empty() ? fmt::format("HTTP {}", response.status) : info.code;
  std::string message = ScrubCredentials(info.message, creds);
  return Error{code, fmt::format("{} failed: {}{}", what, name,
                                 message.empty() ? "" : " (" + message + ")")};
}

bool RetryableStreamedError(Error const& e) { return e.code == ErrorCode::kUnavailable; }

void Backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
}

// Sends one signed S3 request whose body is streamed from `read` (bytes [offset, offset+size))
// and/or whose answer is streamed to `sink`. Retried while nothing reached the sink.
Result<HttpResponse> SendStreamed(Context& ctx, AwsEndpoint const& endpoint,
                                  AwsCredentials const& creds, std::string const& method,
                                  std::string const& url, std::string const& what,
                                  ReadAt const* read, uint64_t offset, uint64_t size,
                                  ByteSink const* sink, TransferProgress const& progress,
                                  uint64_t progress_base) {
  Error last{ErrorCode::kUnavailable, "no attempt made"};
  uint64_t delivered = 0;
  for (int attempt = 0; attempt < kMaxStreamedAttempts; ++attempt) {
    if (attempt > 0) Backoff(attempt);
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.timeout = std::max(ctx.timeout, std::chrono::milliseconds(60000));
    if (read) {
      request.body_size = size;
      request.body_reader = RangeBodyReader(*read, offset, size, progress);
    }
    if (sink) {
      request.response_sink = [&](char const* data, size_t n) -> Result<void> {
        if (auto r = (*sink)(data, n); !r) return r;
        delivered += n;
        if (progress) progress(progress_base + delivered);
        return {};
      };
    }
    SigningOptions options;
    options.unsigned_payload = true;
    // Signed at sending time, not at the context's: a big transfer outlives a signature's
    // 15-minute validity window, and each part is signed when it leaves.
    if (auto r = SignRequest(request, creds, endpoint.region, "s3", Now(), options); !r) {
      return tl::unexpected(r.error());
    }
    auto response = ctx.http.Send(request);
    if (!response) {
      last = Error{response.error().code, what + " failed: " + response.error().message};
    } else if (response->status >= 200 && response->status < 300) {
      return response;
    } else {
      last = ResponseError(*response, creds, what);
    }
    if (!RetryableStreamedError(last) || delivered > 0) break;
  }
  return tl::unexpected(last);
}

// A small signed request with an in-memory body (multipart bookkeeping, HEAD).
Result<HttpResponse> SendSmall(Context& ctx, AwsEndpoint const& endpoint,
                               AwsCredentials const& creds, std::string const& method,
                               std::string const& url, std::string body = "") {
  AwsCall call{"s3", method, url, {}, std::move(body)};
  if (!call.body.empty()) call.headers.emplace_back("content-type", "application/xml");
  return SendAws(ctx, endpoint, creds, call);
}

Result<std::string> CreateMultipartUpload(Context& ctx, AwsEndpoint const& endpoint,
                                          AwsCredentials const& creds, std::string const& url) {
  auto response = SendSmall(ctx, endpoint, creds, "POST", url + "?uploads=");
  if (!response) return tl::unexpected(response.error());
  pugi::xml_document doc;
  doc.load_string(response->body.c_str());
  std::string id = doc.select_node("//UploadId").node().child_value();
  if (id.empty()) return Fail(ErrorCode::kUnavailable, "S3 started a multipart upload without ID");
  return id;
}

}  // namespace

Result<void> PutObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                       std::string const& bucket, std::string const& key, ReadAt const& read,
                       uint64_t size, TransferProgress const& progress) {
  std::string what = "uploading " + Where(bucket, key);
  auto r = SendStreamed(ctx, endpoint, creds, "PUT", ObjectUrl(endpoint, bucket, key), what, &read,
                        0, size, nullptr, progress, 0);
  if (!r) return tl::unexpected(r.error());
  return {};
}

Result<void> UploadObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                          std::string const& bucket, std::string const& key, ReadAt const& read,
                          uint64_t size, TransferProgress const& progress, uint64_t part_size) {
  return UploadObject(
      ctx, endpoint, [&creds]() -> Result<AwsCredentials> { return creds; }, bucket, key, read,
      size, progress, part_size);
}

Result<void> UploadObject(Context& ctx, AwsEndpoint const& endpoint,
                          CredentialSource const& credentials, std::string const& bucket,
                          std::string const& key, ReadAt const& read, uint64_t size,
                          TransferProgress const& progress, uint64_t part_size) {
  auto first = credentials();
  if (!first) return Fail(first.error(), "uploading " + Where(bucket, key));
  if (size < kMultipartThreshold) {
    return PutObject(ctx, endpoint, *first, bucket, key, read, size, progress);
  }
  AwsCredentials creds = *first;
  part_size = std::max({part_size, kMinPartSize, (size + kMaxParts - 1) / kMaxParts});
  std::string url = ObjectUrl(endpoint, bucket, key);
  auto upload_id = CreateMultipartUpload(ctx, endpoint, creds, url);
  if (!upload_id) return Fail(upload_id.error(), "uploading " + Where(bucket, key));
  std::string upload_query = "uploadId=" + UriEncode(*upload_id);
  std::string complete = "<CompleteMultipartUpload>";
  Result<void> outcome;
  int part = 0;
  for (uint64_t offset = 0; offset < size; offset += part_size) {
    ++part;
    uint64_t n = std::min(part_size, size - offset);
    std::string part_url = url + fmt::format("?partNumber={}&{}", part, upload_query);
    // Asked per part: an upload that outlasts temporary credentials moves on to fresh ones.
    auto fresh = credentials();
    if (!fresh) {
      outcome = tl::unexpected(fresh.error());
      break;
    }
    creds = std::move(*fresh);
    auto response = SendStreamed(ctx, endpoint, creds, "PUT", part_url,
                                 fmt::format("uploading part {} of {}", part, Where(bucket, key)),
                                 &read, offset, n, nullptr, progress, offset);
    if (!response) {
      outcome = tl::unexpected(response.error());
      break;
    }
    auto etag = response->Header("etag");
    if (!etag) {
      outcome = Fail(ErrorCode::kUnavailable, "S3 accepted a part without an ETag");
      break;
    }
    complete += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", part, *etag);
  }
  if (outcome) {
    complete += "</CompleteMultipartUpload>";
    auto done = SendSmall(ctx, endpoint, creds, "POST", url + "?" + upload_query, complete);
    // S3 can answer 200 with an <Error> body when completing fails late.
    if (done && done->body.find("<Error>") != std::string::npos) {
      outcome = Fail(ErrorCode::kUnavailable,
                     "S3 could not complete the multipart upload of " + Where(bucket, key));
    } else if (!done) {
      outcome = tl::unexpected(done.error());
    }
  }
  if (!outcome) {
    // Best effort: the parts would otherwise be kept (and billed) until a lifecycle rule runs.
    (void)SendSmall(ctx, endpoint, creds, "DELETE", url + "?" + upload_query);
  }
  return outcome;
}

Result<uint64_t> GetObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                           std::string const& bucket, std::string const& key, ByteSink const& sink,
                           TransferProgress const& progress) {
  uint64_t total = 0;
  ByteSink counting = [&](char const* data, size_t n) -> Result<void> {
    total += n;
    return sink(data, n);
  };
  auto r = SendStreamed(ctx, endpoint, creds, "GET", ObjectUrl(endpoint, bucket, key),
                        "downloading " + Where(bucket, key), nullptr, 0, 0, &counting, progress, 0);
  if (!r) {
    Error e = r.error();
    if (e.code == ErrorCode::kNotFound) e.message = Where(bucket, key) + " does not exist";
    return tl::unexpected(e);
  }
  return total;
}

Result<uint64_t> HeadObject(Context& ctx, AwsEndpoint const& endpoint, AwsCredentials const& creds,
                            std::string const& bucket, std::string const& key) {
  auto r = SendSmall(ctx, endpoint, creds, "HEAD", ObjectUrl(endpoint, bucket, key));
  if (!r) {
    Error e = r.error();
    if (e.code == ErrorCode::kNotFound) e.message = Where(bucket, key) + " does not exist";
    return tl::unexpected(e);
  }
  auto length = r->Header("content-length");
  try {
    return length ? static_cast<uint64_t>(std::stoull(*length)) : 0;
  } catch (std::exception const&) {
    return Fail(ErrorCode::kUnavailable, "S3 answered HEAD with a malformed Content-Length");
  }
}

}  // namespace latchkey::aws
