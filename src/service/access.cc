#include "service/access.h"

#include <fmt/format.h>

namespace latchkey {

Result<void> Authorize(Principal const& who, std::string const& owner, bool shared, Access access,
                       char const* what, std::string const& name_or_id) {
  if (who.admin || who.name == owner) return {};
  if (!shared) {
    return Fail(ErrorCode::kNotFound, fmt::format("no {} named or with ID '{}'", what, name_or_id));
  }
  switch (access) {
    case Access::kRead:
    case Access::kUse:
      return {};
    case Access::kReadSecrets:
      return Fail(ErrorCode::kPermissionDenied,
                  fmt::format("only the owner of {} '{}' or an admin may read its secret values",
                              what, name_or_id));
    case Access::kUpdate:
    case Access::kDelete:
      break;
  }
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("{} '{}' is shared with you for use only; its owner or an admin may "
                          "change or delete it",
                          what, name_or_id));
}

}  // namespace latchkey
