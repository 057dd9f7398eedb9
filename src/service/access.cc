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

bool HandsOutLongLivedSecrets(Connector const& stored, Connector const& client) {
  if (!client.expires_at) return true;
  return client.connector_type == stored.connector_type && client.auth_method == stored.auth_method;
}

Result<void> AuthorizeClient(Principal const& who, Connector const& stored,
                             Connector const& client) {
  if (who.admin || who.name == stored.owner || stored.share_secrets) return {};
  if (!HandsOutLongLivedSecrets(stored, client)) return {};
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("service connector '{}' cannot issue temporary credentials here, and "
                          "its owner has not shared its long-lived ones: ask them to share it "
                          "with --share-secrets",
                          stored.name));
}

Result<void> ApplySharing(Connector& c, std::optional<bool> shared, std::optional<bool> read_only,
                          std::optional<bool> share_secrets) {
  if (shared == false && read_only == true) {
    return Fail(ErrorCode::kInvalidArgument,
                "a private connector cannot also be shared read-only: choose one");
  }
  if (share_secrets == true && (shared == false || read_only == true)) {
    return Fail(ErrorCode::kInvalidArgument,
                "--share-secrets shares a connector for use: it cannot also be private or "
                "read-only");
  }
  if (share_secrets == true) {
    c.shared = true;
    c.shared_read_only = false;
    c.share_secrets = true;
    return {};
  }
  if (share_secrets == false || shared == false || read_only == true) c.share_secrets = false;
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
