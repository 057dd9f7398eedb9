#include "service/access.h"

#include <fmt/format.h>

namespace latchkey {

Result<void> Authorize(Principal const& who, std::string const& owner, bool shared, Access access,
                       char const* what, std::string const& name_or_id, bool read_only) {
  if (who.admin || who.name == owner) return {};
  if (!shared) {
    return Fail(ErrorCode::kNotFound, fmt::format("no {} named or with ID '{}'", what, name_or_id));
  }
  switch (access) {
    case Access::kRead:
      return {};
    case Access::kUse:
      if (!read_only) return {};
      return Fail(ErrorCode::kPermissionDenied,
                  fmt::format("{} '{}' is shared with you for reading only; its owner or an admin "
                              "may share it for use",
                              what, name_or_id));
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

Result<void> ApplySharing(Connector& c, std::optional<bool> shared, std::optional<bool> read_only) {
  if (shared == false && read_only == true) {
    return Fail(ErrorCode::kInvalidArgument,
                "a private connector cannot also be shared read-only: choose one");
  }
  if (read_only == true) {
    c.shared = true;
    c.shared_read_only = true;
  } else if (shared) {
    c.shared = *shared;
    c.shared_read_only = false;
  } else if (read_only == false) {
    c.shared_read_only = false;
  }
  return {};
}

}  // namespace latchkey
