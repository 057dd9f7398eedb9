// How errors name an upstream. A URL's query may carry a credential (an Azure SAS signature, a
// presigned AWS URL, an OAuth access_token parameter) and its authority may carry user:password,
// so messages use the URL without either: `UrlForMessages` keeps scheme, host, port and path;
// `UrlOrigin` only scheme, host and port (for "answered by ..." on a status error).
#pragma once

#include <string>
#include <string_view>

namespace latchkey {

std::string UrlForMessages(std::string_view url);
std::string UrlOrigin(std::string_view url);

}  // namespace latchkey
