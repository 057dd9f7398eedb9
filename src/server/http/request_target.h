// Splitting and decoding an origin-form request target ("/a%20b/c?x=1&x=2&flag"). Kept apart
// from the Beast code so the rules are unit-tested on their own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http/http_types.h"

namespace latchkey::server {

// Decodes %XX escapes; with `plus_is_space` (query strings) '+' becomes ' '. Empty on a
// malformed escape ("%4", "%zz"), so a request that cannot be read unambiguously is refused.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

struct RequestTarget {
  std::string raw_path;  // still encoded: the router splits on '/' before decoding a segment
  std::string path;      // decoded
  QueryParams query;     // decoded, in order
};

// Only origin-form is accepted (starts with '/'); absolute-form and "*" are for proxies and
// OPTIONS, neither of which this server is.
std::optional<RequestTarget> ParseRequestTarget(std::string_view target);

}  // namespace latchkey::server
