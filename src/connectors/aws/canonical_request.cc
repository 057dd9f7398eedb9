#include "connectors/aws/canonical_request.h"

#include <algorithm>
#include <array>
#include <utility>

#include "connectors/aws/uri_encoding.h"

namespace latchkey::aws {
namespace {

// ASCII whitespace, as Python's str.split() (botocore's trim) sees it in a valid header value.
bool IsHeaderSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Trimall from the SigV4 specification: no leading or trailing whitespace, inner runs as one
// space. Tabs count as whitespace, as they do for botocore and the services.
void AppendTrimmedValue(std::string& out, std::string_view value) {
  // Whole words at a time: a session token is a 400-byte value with no space in it.
  bool first = true;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && IsHeaderSpace(value[i])) ++i;
    size_t start = i;
    while (i < value.size() && !IsHeaderSpace(value[i])) ++i;
    if (i == start) break;
    if (!first) out.push_back(' ');
    out.append(value.substr(start, i - start));
    first = false;
  }
}

}  // namespace

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::vector<QueryParam> ParseQuery(std::string_view wire_query) {
  std::vector<QueryParam> params;
  size_t start = 0;
  while (start <= wire_query.size()) {
    size_t end = wire_query.find('&', start);
    if (end == std::string_view::npos) end = wire_query.size();
    std::string_view piece = wire_query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    QueryParam param;
    param.name = NormalizeEncoding(piece.substr(0, eq), /*keep_slash=*/false);
    if (eq != std::string_view::npos) {
      param.value = NormalizeEncoding(piece.substr(eq + 1), /*keep_slash=*/false);
    } else {
      param.has_value = false;
    }
    params.push_back(std::move(param));
  }
  return params;
}

std::string FormatQuery(std::vector<QueryParam> const& params, bool always_equals) {
  std::string out;
  for (auto const& p : params) {
    if (!out.empty()) out.push_back('&');
    out += p.name;
    if (p.has_value || always_equals) {
      out.push_back('=');
      out += p.value;
    }
  }
  return out;
}

std::string CanonicalQuery(std::vector<QueryParam> params) {
  std::sort(params.begin(), params.end(), [](QueryParam const& a, QueryParam const& b) {
    return a.name != b.name ? a.name < b.name : a.value < b.value;
  });
  return FormatQuery(params, /*always_equals=*/true);
}

std::string WirePath(std::string_view path, bool s3_rules) {
  std::string normalized = NormalizeEncoding(path, /*keep_slash=*/true);
  if (!s3_rules) normalized = RemoveDotSegments(normalized);
  if (normalized.empty()) normalized = "/";
  return normalized;
}

std::string CanonicalUri(std::string_view wire_path, bool s3_rules) {
  if (wire_path.empty()) return "/";
  if (s3_rules) return std::string(wire_path);
  std::string path = RemoveDotSegments(wire_path);
  if (path.empty()) path = "/";
  // The second encoding: each '%' of the wire form becomes "%25".
  return UriEncode(path, /*keep_slash=*/true);
}

bool IsUnsignedHeader(std::string_view lowercase_name) {
  static constexpr std::array<std::string_view, 11> kUnsigned = {"connection",
                                                                 "expect",
                                                                 "keep-alive",
                                                                 "proxy-authenticate",
                                                                 "proxy-authorization",
                                                                 "te",
                                                                 "trailer",
                                                                 "transfer-encoding",
                                                                 "upgrade",
                                                                 "user-agent",
                                                                 "x-amzn-trace-id"};
  return std::find(kUnsigned.begin(), kUnsigned.end(), lowercase_name) != kUnsigned.end();
}

CanonicalHeaders CanonicalizeHeaders(HttpHeaders const& headers) {
  // A sorted vector rather than a map: a request has a handful of headers, and this runs once
  // per signature. The stable sort keeps a repeated header's values in request order.
  std::vector<std::pair<std::string, std::string_view>> lowered;
  lowered.reserve(headers.size());
  for (auto const& [name, value] : headers) {
    std::string lower = AsciiLower(name);
    if (!IsUnsignedHeader(lower)) lowered.emplace_back(std::move(lower), value);
  }
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](auto const& a, auto const& b) { return a.first < b.first; });
  CanonicalHeaders out;
  size_t block_size = 0;
  for (auto const& [name, value] : lowered) block_size += name.size() + value.size() + 2;
  out.block.reserve(block_size);
  for (size_t i = 0; i < lowered.size(); ++i) {
    bool same_as_previous = i > 0 && lowered[i].first == lowered[i - 1].first;
    if (same_as_previous) {
      out.block.back() = ',';  // continue the previous line: "name:v1,v2"
    } else {
      if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
      out.signed_headers += lowered[i].first;
      out.block += lowered[i].first;
      out.block.push_back(':');
    }
    AppendTrimmedValue(out.block, lowered[i].second);
    out.block.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, CanonicalHeaders const& headers,
                             std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() + headers.block.size() +
              headers.signed_headers.size() + payload_hash.size() + 8);
  out.append(method).push_back('\n');
  out.append(canonical_uri).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(headers.block).push_back('\n');
  out.append(headers.signed_headers).push_back('\n');
  out.append(payload_hash);
  return out;
}

}  // namespace latchkey::aws
