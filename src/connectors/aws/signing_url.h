// The parts of an http(s) URL that Signature Version 4 signs: the Host header value, the path and
// the query, each still in its encoded (wire) form.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey::aws {

struct SigningUrl {
  std::string scheme;     // "http" or "https", lower case
  std::string authority;  // as written, so the URL is rebuilt exactly as the caller spelled it
  std::string host;       // the Host header: lower case, no userinfo, default port dropped
  std::string path;       // wire form; empty when the URL has none
  std::string query;      // wire form, without the '?'
};

// Splits `url`. The fragment, which HTTP clients never send, is dropped. Errors never quote the
// URL, since a URL may carry a presigned token or userinfo.
Result<SigningUrl> ParseSigningUrl(std::string_view url);

// scheme://authority + path [+ '?' + query when the query is not empty].
std::string BuildUrl(SigningUrl const& url);

}  // namespace latchkey::aws
