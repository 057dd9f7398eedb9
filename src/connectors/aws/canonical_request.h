// The canonical request of AWS Signature Version 4: the one text both sides hash, built from the
// method, path, query, headers and payload hash by fixed rules. See "Create a canonical request"
// in the IAM user guide
// (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/http_client.h"

namespace latchkey::aws {

// One query parameter, name and value in the canonical encoding (uri_encoding.h).
struct QueryParam {
  std::string name;
  std::string value;
  bool has_value = true;  // false for a bare name ("?acl"), which signs as "acl="
};

// Splits a wire-form query on '&' and each piece on its first '=', normalising the encoding of
// names and values. Repeated names and empty values are kept; empty pieces ("a&&b") are dropped.
std::vector<QueryParam> ParseQuery(std::string_view wire_query);

// The parameters in their given order. `always_equals` writes "acl=" for a bare name.
std::string FormatQuery(std::vector<QueryParam> const& params, bool always_equals);

// Sorted by name, then value (byte order of the encoded text), every pair as "name=value".
std::string CanonicalQuery(std::vector<QueryParam> params);

// The canonical URI of a path whose encoding is already normalised. Services other than S3
// sign the path with dot and empty segments removed and encoded a second time ("%20" signs as
// "%2520"); S3 signs the path exactly as sent. An empty path signs as "/".
std::string CanonicalUri(std::string_view wire_path, bool s3_rules);

// The path a request is sent with: normalised encoding and, outside S3, the dot and empty
// segments removed, so that what the server sees is what was signed (libcurl would otherwise
// resolve dot segments its own way).
std::string WirePath(std::string_view path, bool s3_rules);

// ASCII-only case folding for header names: cheaper than the locale-aware ToLower, and header
// names are ASCII tokens.
std::string AsciiLower(std::string_view text);
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// Headers that are never signed: hop-by-hop headers and those a proxy or HTTP client may add or
// rewrite on the way (the same list as botocore's SIGNED_HEADERS_BLACKLIST).
bool IsUnsignedHeader(std::string_view lowercase_name);

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per signed header, sorted by name
  std::string signed_headers;  // "host;x-amz-date"
};

// Lower-cases names, trims each value and collapses its inner runs of whitespace to one space,
// and joins the values of a repeated header with ',' in the order they appear.
CanonicalHeaders CanonicalizeHeaders(HttpHeaders const& headers);

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, CanonicalHeaders const& headers,
                             std::string_view payload_hash);

}  // namespace latchkey::aws
