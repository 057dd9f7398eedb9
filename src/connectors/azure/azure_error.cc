#include "connectors/azure/azure_error.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "http/upstream_name.h"

namespace latchkey::azure {

Error AzureServiceError(long status, std::string const& code, std::string const& message,
                        std::string const& what, std::string const& upstream) {
  ErrorCode ec = status == 404   ? ErrorCode::kNotFound
                 : status == 403 ? ErrorCode::kPermissionDenied
                 : status == 401 ? ErrorCode::kUnauthenticated
                                 : ErrorCode::kUnavailable;
  std::string detail = code.empty() ? "" : " " + code;
  if (std::string line = FirstLine(message); !line.empty()) detail += ": " + line;
  if (!upstream.empty()) detail += " (from " + UrlOrigin(upstream) + ")";
  return Error{ec, fmt::format("{} failed (HTTP {}){}", what, status, detail)};
}

}  // namespace latchkey::azure
