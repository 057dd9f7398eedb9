// URI encoding as AWS Signature Version 4 defines it: RFC 3986's unreserved characters
// (A-Z a-z 0-9 - _ . ~) stay as they are, every other byte becomes %XX with upper-case hex.
// This is stricter than form encoding: a space is %20, never '+', and '+' itself is %2B.
#pragma once

#include <string>
#include <string_view>

namespace latchkey::aws {

bool IsUnreserved(unsigned char c);

// Encodes raw bytes (a bucket key, a query value, a session token). With `keep_slash`, '/' is
// left alone so a whole object key can be encoded as a path.
std::string UriEncode(std::string_view bytes, bool keep_slash = false);

// Brings an already-encoded URL component (as a caller wrote it) to the one encoding AWS
// signs: valid %XX escapes of unreserved characters are decoded, other escapes get upper-case
// hex, and any byte that is neither unreserved nor an escape (a space, '+', '=', raw UTF-8, a
// lone '%') is encoded. Already-canonical input comes back unchanged. With `keep_slash`, a raw
// '/' stays a separator (paths); %2F always stays data.
std::string NormalizeEncoding(std::string_view encoded, bool keep_slash);

// Removes "." and ".." segments and empty segments ("//"), as the AWS services other than S3 do
// before signing. This follows botocore (which moto and the AWS SDKs agree with) rather than
// RFC 3986 5.2.4 in one corner: a path ending in a dot segment keeps no trailing slash
// ("/a/b/.." -> "/a", where RFC 3986 gives "/a/"). An empty path stays empty.
std::string RemoveDotSegments(std::string_view path);

}  // namespace latchkey::aws
