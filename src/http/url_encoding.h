// Percent-encoding of URL components with RFC 3986's unreserved set (A-Z a-z 0-9 - _ . ~): every
// other byte becomes %XX with upper-case hex, so a space is %20 and '+' is %2B. Used for path
// segments and query values built by hand (the REST client, AWS SigV4).
#pragma once

#include <string>
#include <string_view>

namespace latchkey {

bool IsUnreservedUrlByte(unsigned char c);

// With `keep_slash`, '/' is left alone so a whole path can be encoded at once.
std::string UrlEncode(std::string_view bytes, bool keep_slash = false);

}  // namespace latchkey
