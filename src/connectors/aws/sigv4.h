// AWS Signature Version 4: signs an HttpRequest in place (Authorization header) or turns a URL
// into a presigned one (X-Amz-* query parameters), for S3 and for every other AWS service.
//
// The URL is taken in its encoded (wire) form, as it will be sent; build paths and query values
// with UriEncode (uri_encoding.h). A URL that is not in the one encoding AWS signs (a raw space,
// raw UTF-8, '+', lower-case hex, an escaped unreserved character) is normalised first and sent
// in that form, so what the server sees is always what was signed. '+' means a literal plus, as
// in RFC 3986; form-encoded spaces must be written as %20.
//
// Time is an argument, never read inside, so a signature is a pure function of its inputs.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/time_util.h"
#include "connectors/aws/aws_credentials.h"
#include "http/http_client.h"

namespace latchkey::aws {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// S3 refuses presigned URLs that live longer than seven days.
inline constexpr std::chrono::seconds kMaxPresignExpiry{7 * 24 * 3600};

// What a signature covered, for tests and debugging. It holds the session token: never log it.
struct SigningTrace {
  std::string canonical_request;
  std::string string_to_sign;
};

struct SigningOptions {
  // S3's rules: the path is signed exactly as sent (encoded once, never normalised) and
  // x-amz-content-sha256 is always sent. Unset: S3's rules exactly when the service is "s3".
  std::optional<bool> s3_rules;
  // Signs the literal "UNSIGNED-PAYLOAD" instead of the body's SHA-256 (S3 over TLS, streaming
  // uploads); the x-amz-content-sha256 header then says so.
  bool unsigned_payload = false;
  // Added to the request (replacing headers of the same name) and signed.
  HttpHeaders extra_signed_headers;
  SigningTrace* trace = nullptr;
};

// Signs `request` for `service` in `region` at `now`. First removes any Authorization,
// x-amz-date, x-amz-security-token and x-amz-content-sha256 headers (so re-signing a retried
// request is safe), then sets x-amz-date, x-amz-security-token (temporary credentials),
// x-amz-content-sha256 (S3, or an unsigned payload), host (from the URL, unless the request
// already names one) and Authorization, and rewrites the method in upper case and the URL in
// its normalised wire form. Every other header is signed too, except the hop-by-hop ones
// (canonical_request.h), so nothing may change a header after signing. On error the request is
// left untouched; messages never contain a key, a token or a header value.
Result<void> SignRequest(HttpRequest& request, AwsCredentials const& creds, std::string_view region,
                         std::string_view service, TimePoint now, SigningOptions const& opts = {});

// The query-string form (S3's "presigned URL"): X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token (temporary credentials) and
// X-Amz-Signature are appended to the URL's own parameters. The request that uses the URL must
// send `extra_signed_headers` unchanged (the EKS token signs x-k8s-aws-id this way). S3's rules
// and UNSIGNED-PAYLOAD apply when the service is "s3"; other services sign the empty payload.
// `expires` must be 1 s to 7 days.
Result<std::string> PresignUrl(std::string method, std::string url, AwsCredentials const& creds,
                               std::string_view region, std::string_view service, TimePoint now,
                               std::chrono::seconds expires, HttpHeaders extra_signed_headers = {},
                               SigningTrace* trace = nullptr);

// Building blocks, exposed for tests.
std::string AmzDate(TimePoint t);  // "20150830T123600Z"
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);  // "20150830/us-east-1/iam/aws4_request"
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace latchkey::aws
