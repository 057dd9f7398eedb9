#include "connectors/gcp/credential_files.h"

#include <fmt/format.h>

#include "common/json_fields.h"

namespace latchkey::gcp {
namespace {

Result<nlohmann::json> ParseObject(std::string const& text, std::string const& what) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, what + " is not a JSON object");
  }
  return j;
}

Result<std::string> Required(nlohmann::json const& j, char const* key, std::string const& what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{} has no '{}' (a string)", what, key));
  }
  return it->get<std::string>();
}

std::optional<std::string> Optional(nlohmann::json const& j, char const* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

Result<nlohmann::json> OfType(std::string const& text, std::string const& what,
                              std::string const& type) {
  auto j = ParseObject(text, what);
  if (!j) return j;
  if (JsonString(*j, "type") != type) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} must be a credentials file of type '{}'", what, type));
  }
  return j;
}

}  // namespace

Result<std::string> CredentialFileType(std::string const& text, std::string const& what) {
  auto j = ParseObject(text, what);
  if (!j) return tl::unexpected(j.error());
  return Required(*j, "type", what);
}

Result<ServiceAccountKey> ParseServiceAccountKey(std::string const& text, std::string const& what) {
  auto j = OfType(text, what, "service_account");
  if (!j) return tl::unexpected(j.error());
  ServiceAccountKey key;
  auto email = Required(*j, "client_email", what);
  if (!email) return tl::unexpected(email.error());
  auto pem = Required(*j, "private_key", what);
  if (!pem) return tl::unexpected(pem.error());
  key.client_email = *email;
  key.private_key = *pem;
  key.private_key_id = Optional(*j, "private_key_id").value_or("");
  key.token_uri = Optional(*j, "token_uri");
  key.project_id = Optional(*j, "project_id");
  return key;
}

Result<AuthorizedUser> ParseAuthorizedUser(std::string const& text, std::string const& what) {
  auto j = OfType(text, what, "authorized_user");
  if (!j) return tl::unexpected(j.error());
  AuthorizedUser user;
  for (auto [key, out] :
       {std::pair{"client_id", &user.client_id}, std::pair{"client_secret", &user.client_secret},
        std::pair{"refresh_token", &user.refresh_token}}) {
    auto v = Required(*j, key, what);
    if (!v) return tl::unexpected(v.error());
    *out = *v;
  }
  user.token_uri = Optional(*j, "token_uri");
  user.quota_project_id = Optional(*j, "quota_project_id");
  return user;
}

Result<nlohmann::json> ParseExternalAccount(std::string const& text, std::string const& what) {
  auto j = OfType(text, what, "external_account");
  if (!j) return j;
  for (char const* key : {"audience", "subject_token_type"}) {
    if (auto v = Required(*j, key, what); !v) return tl::unexpected(v.error());
  }
  if (!j->contains("credential_source") || !(*j)["credential_source"].is_object()) {
    return Fail(ErrorCode::kInvalidArgument, what + " has no 'credential_source' (an object)");
  }
  return j;
}

}  // namespace latchkey::gcp
