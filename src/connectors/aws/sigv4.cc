#include "connectors/aws/sigv4.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>
#include <vector>

#include "connectors/aws/canonical_request.h"
#include "connectors/aws/signing_url.h"
#include "connectors/aws/uri_encoding.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/hmac.h"

namespace latchkey::aws {
namespace {

// The signing key depends only on the secret, the day, the region and the service, so it is
// derived once per day and scope (as the AWS SDKs do) rather than with four HMACs per request.
// Per thread, a few entries: the key is no more secret than the secret it comes from, which
// the caller holds in memory anyway.
std::string CachedSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  struct Entry {
    std::string secret, date, region, service, key;
  };
  thread_local std::vector<Entry> cache;
  for (auto const& e : cache) {
    if (e.date == date && e.region == region && e.service == service && e.secret == secret) {
      return e.key;
    }
  }
  std::string key = DeriveSigningKey(secret, date, region, service);
  if (cache.size() >= 8) cache.erase(cache.begin());
  cache.push_back(
      {std::string(secret), std::string(date), std::string(region), std::string(service), key});
  return key;
}

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// RFC 9110 token characters: what a method or a header name may be made of.
bool IsTokenChar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

// A credential-scope element: '/' would shift the scope's fields, and spaces or commas would
// break the Authorization header apart.
bool IsScopeElement(std::string_view text) {
  return !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return c == '/' || c == ',' || c == '=' || u <= ' ' || u >= 0x7f;
  });
}

// Messages name the offending field but never a key or token value.
Result<void> ValidateSigningInputs(std::string_view method, AwsCredentials const& creds,
                                   std::string_view region, std::string_view service,
                                   TimePoint now) {
  // X-Amz-Date has exactly four year digits.
  constexpr TimePoint kFirst{std::chrono::sys_days{std::chrono::year{1} / 1 / 1}};
  constexpr TimePoint kLast{std::chrono::sys_days{std::chrono::year{10000} / 1 / 1}};
  if (now < kFirst || now >= kLast) {
    return Fail(ErrorCode::kInvalidArgument, "signing time is outside the years 0001 to 9999");
  }
  if (creds.access_key_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "AWS credentials have no access key ID");
  }
  if (!IsScopeElement(creds.access_key_id)) {
    return Fail(ErrorCode::kInvalidArgument,
                "AWS access key ID contains characters that cannot be signed ('/', ',', '=', "
                "spaces or non-ASCII)");
  }
  if (creds.secret_access_key.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "AWS credentials have no secret access key");
  }
  if (!IsScopeElement(region)) {
    return Fail(ErrorCode::kInvalidArgument, "invalid AWS region '" + std::string(region) + "'");
  }
  if (!IsScopeElement(service)) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid AWS service name '" + std::string(service) + "'");
  }
  if (!IsToken(method)) {
    return Fail(ErrorCode::kInvalidArgument, "invalid HTTP method '" + std::string(method) + "'");
  }
  return {};
}

Result<void> ValidateHeaders(HttpHeaders const& headers) {
  for (auto const& [name, value] : headers) {
    if (!IsToken(name)) {
      // A name is no secret, but one with control characters is not worth echoing either.
      bool printable = std::all_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) >= ' ' && static_cast<unsigned char>(c) < 0x7f;
      });
      return Fail(ErrorCode::kInvalidArgument,
                  printable ? "invalid HTTP header name '" + name + "'"
                            : std::string("invalid HTTP header name (control characters)"));
    }
    // A line break would end the header early (header injection); the value itself may be a
    // secret, so it is not quoted.
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "HTTP header '" + name + "' has a line break or NUL in its value");
    }
  }
  return {};
}

bool HasHeader(HttpHeaders const& headers, std::string_view lowercase_name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](auto const& h) { return EqualsIgnoreAsciiCase(h.first, lowercase_name); });
}

void RemoveHeaders(HttpHeaders& headers, std::vector<std::string> const& lowercase_names) {
  std::erase_if(headers, [&](auto const& h) {
    return std::any_of(
        lowercase_names.begin(), lowercase_names.end(),
        [&](std::string const& name) { return EqualsIgnoreAsciiCase(h.first, name); });
  });
}

std::string ToUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Hex SHA-256 of the body; most requests have none, and its hash is a constant.
std::string PayloadHash(std::string_view body) {
  if (body.empty()) return "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  return crypto::HexEncode(crypto::Sha256(body));
}

bool HasSessionToken(AwsCredentials const& creds) {
  return creds.session_token.has_value() && !creds.session_token->empty();
}

// Signs a finished canonical request; returns the hex signature.
std::string Sign(AwsCredentials const& creds, std::string_view amz_date, std::string_view region,
                 std::string_view service, std::string const& canonical_request,
                 SigningTrace* trace) {
  std::string date = std::string(amz_date.substr(0, 8));
  std::string string_to_sign =
      StringToSign(amz_date, CredentialScope(date, region, service), canonical_request);
  std::string signature = SignatureHex(
      CachedSigningKey(creds.secret_access_key, date, region, service), string_to_sign);
  if (trace != nullptr) {
    trace->canonical_request = canonical_request;
    trace->string_to_sign = std::move(string_to_sign);
  }
  return signature;
}

// The query parameters PresignUrl adds; a URL that already has one would be signed twice.
constexpr std::array<std::string_view, 7> kPresignParams = {
    "x-amz-algorithm",     "x-amz-credential",     "x-amz-date",     "x-amz-expires",
    "x-amz-signedheaders", "x-amz-security-token", "x-amz-signature"};

}  // namespace

std::string AmzDate(TimePoint t) {
  // Civil-calendar arithmetic rather than gmtime/strftime: no time_t round trip (which
  // overflows nanosecond clocks for far-off times) and no locale.
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{days};
  auto secs = static_cast<int>((t - days).count());  // 0 .. 86399
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     secs / 3600, secs / 60 % 60, secs % 60);
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string scope;
  scope.reserve(date.size() + region.size() + service.size() + 16);
  scope.append(date).append("/").append(region).append("/").append(service);
  scope.append("/aws4_request");
  return scope;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out += crypto::HexEncode(crypto::Sha256(canonical_request));
  return out;
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string key = "AWS4";
  key.append(secret_access_key);
  std::string k_date = crypto::HmacSha256(key, date);
  std::string k_region = crypto::HmacSha256(k_date, region);
  std::string k_service = crypto::HmacSha256(k_region, service);
  return crypto::HmacSha256(k_service, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return crypto::HexEncode(crypto::HmacSha256(signing_key, string_to_sign));
}

Result<void> SignRequest(HttpRequest& request, AwsCredentials const& creds, std::string_view region,
                         std::string_view service, TimePoint now, SigningOptions const& opts) {
  if (auto ok = ValidateSigningInputs(request.method, creds, region, service, now); !ok) {
    return ok;
  }
  auto url = ParseSigningUrl(request.url);
  if (!url) return tl::unexpected(url.error());
  bool s3 = opts.s3_rules.value_or(service == "s3");

  // Work on copies so a failure leaves the caller's request as it was.
  HttpHeaders headers = request.headers;
  std::vector<std::string> replaced = {"authorization", "x-amz-date", "x-amz-security-token",
                                       "x-amz-content-sha256"};
  for (auto const& [name, value] : opts.extra_signed_headers) replaced.push_back(AsciiLower(name));
  RemoveHeaders(headers, replaced);
  headers.insert(headers.end(), opts.extra_signed_headers.begin(), opts.extra_signed_headers.end());
  if (auto ok = ValidateHeaders(headers); !ok) return ok;

  url->path = WirePath(url->path, s3);
  std::vector<QueryParam> params = ParseQuery(url->query);
  url->query = FormatQuery(params, /*always_equals=*/false);

  std::string amz_date = AmzDate(now);
  std::string payload_hash =
      opts.unsigned_payload ? std::string(kUnsignedPayload) : PayloadHash(request.body);
  headers.emplace_back("x-amz-date", amz_date);
  if (HasSessionToken(creds)) headers.emplace_back("x-amz-security-token", *creds.session_token);
  // S3 requires the header on every request; other services read it only to learn that the
  // payload is unsigned.
  if (s3 || opts.unsigned_payload) headers.emplace_back("x-amz-content-sha256", payload_hash);
  if (!HasHeader(headers, "host")) headers.emplace_back("host", url->host);

  std::string method = ToUpper(request.method);
  CanonicalHeaders canonical_headers = CanonicalizeHeaders(headers);
  std::string canonical = CanonicalRequest(method, CanonicalUri(url->path, s3),
                                           CanonicalQuery(params), canonical_headers, payload_hash);
  std::string signature = Sign(creds, amz_date, region, service, canonical, opts.trace);

  std::string authorization(kAlgorithm);
  authorization += " Credential=" + creds.access_key_id + "/" +
                   CredentialScope(amz_date.substr(0, 8), region, service);
  authorization += ", SignedHeaders=" + canonical_headers.signed_headers;
  authorization += ", Signature=" + signature;
  headers.emplace_back("Authorization", std::move(authorization));

  request.method = std::move(method);
  request.url = BuildUrl(*url);
  request.headers = std::move(headers);
  return {};
}

Result<std::string> PresignUrl(std::string method, std::string url, AwsCredentials const& creds,
                               std::string_view region, std::string_view service, TimePoint now,
                               std::chrono::seconds expires, HttpHeaders extra_signed_headers,
                               SigningTrace* trace) {
  if (auto ok = ValidateSigningInputs(method, creds, region, service, now); !ok) {
    return tl::unexpected(ok.error());
  }
  if (expires < std::chrono::seconds(1) || expires > kMaxPresignExpiry) {
    return Fail(ErrorCode::kInvalidArgument,
                "presigned URL lifetime must be 1 to 604800 seconds (7 days), not " +
                    std::to_string(expires.count()));
  }
  if (auto ok = ValidateHeaders(extra_signed_headers); !ok) return tl::unexpected(ok.error());
  auto parsed = ParseSigningUrl(url);
  if (!parsed) return tl::unexpected(parsed.error());
  bool s3 = service == "s3";

  parsed->path = WirePath(parsed->path, s3);
  std::vector<QueryParam> params = ParseQuery(parsed->query);
  for (auto const& p : params) {
    std::string lower = AsciiLower(p.name);
    if (std::find(kPresignParams.begin(), kPresignParams.end(), lower) != kPresignParams.end()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "URL to presign already has a " + p.name + " parameter");
    }
  }

  HttpHeaders headers = std::move(extra_signed_headers);
  if (!HasHeader(headers, "host")) headers.emplace_back("host", parsed->host);
  CanonicalHeaders canonical_headers = CanonicalizeHeaders(headers);

  // The authentication parameters are signed as part of the query, all but the signature.
  std::string amz_date = AmzDate(now);
  std::string credential =
      creds.access_key_id + "/" + CredentialScope(amz_date.substr(0, 8), region, service);
  std::vector<QueryParam> auth = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", UriEncode(credential)},
      {"X-Amz-Date", amz_date},
      {"X-Amz-Expires", std::to_string(expires.count())},
      {"X-Amz-SignedHeaders", UriEncode(canonical_headers.signed_headers)},
  };
  if (HasSessionToken(creds)) {
    auth.push_back({"X-Amz-Security-Token", UriEncode(*creds.session_token)});
  }
  params.insert(params.end(), auth.begin(), auth.end());

  // A presigned URL says nothing about the body it will be used with, so S3 signs
  // UNSIGNED-PAYLOAD; the other services sign the empty body of a GET.
  std::string payload_hash = s3 ? std::string(kUnsignedPayload) : PayloadHash("");
  std::string canonical = CanonicalRequest(ToUpper(method), CanonicalUri(parsed->path, s3),
                                           CanonicalQuery(params), canonical_headers, payload_hash);
  std::string signature = Sign(creds, amz_date, region, service, canonical, trace);

  parsed->query = FormatQuery(params, /*always_equals=*/true) + "&X-Amz-Signature=" + signature;
  return BuildUrl(*parsed);
}

}  // namespace latchkey::aws
