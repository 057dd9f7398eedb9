#include "service/identity_service.h"

#include <fmt/format.h>

#include <regex>

#include "auth/api_token.h"
#include "auth/password_hash.h"
#include "crypto/random.h"

namespace latchkey {
namespace {

constexpr size_t kMinPasswordLength = 8;

Result<void> CheckUserName(std::string const& name) {
  static std::regex const kValid("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  if (!std::regex_match(name, kValid)) {
    return Fail(ErrorCode::kInvalidArgument,
                "user names are 1-64 letters, digits, '.', '_' or '-', starting with a letter or "
                "digit");
  }
  return {};
}

Result<void> CheckPassword(std::string const& password) {
  if (password.size() < kMinPasswordLength) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("passwords must have at least {} characters", kMinPasswordLength));
  }
  return {};
}

Error BadLogin() { return Error{ErrorCode::kUnauthenticated, "wrong user name or password"}; }

}  // namespace

Result<void> IdentityService::RequireAdmin(Principal const& caller, char const* what) {
  if (caller.admin) return {};
  return Fail(ErrorCode::kPermissionDenied, fmt::format("only an admin may {}", what));
}

Result<std::optional<std::string>> IdentityService::Bootstrap(
    std::optional<std::string> const& password, TimePoint now) {
  auto users = store_.ListUsers();
  if (!users) return tl::unexpected(users.error());
  if (!users->empty()) return std::optional<std::string>{};
  std::string chosen = password.value_or("");
  bool generated = chosen.empty();
  if (generated) chosen = auth::NewApiToken().substr(3, 24);  // 24 random base64url characters
  if (auto r = CheckPassword(chosen); !r) return Fail(r.error(), "LATCHKEY_ADMIN_PASSWORD");
  auto hash = auth::HashPassword(chosen);
  if (!hash) return tl::unexpected(hash.error());
  User admin{crypto::NewUuid(), "admin", *hash, true, false, true, now, now};
  if (auto r = store_.CreateUser(admin); !r) {
    // Another replica bootstrapped the same database first: that admin stands.
    if (r.error().code == ErrorCode::kAlreadyExists) return std::optional<std::string>{};
    return tl::unexpected(r.error());
  }
  return generated ? std::optional<std::string>(chosen) : std::nullopt;
}

Result<IssuedToken> IdentityService::Issue(User const& user, std::string const& name,
                                           std::optional<TimePoint> expires_at, TimePoint now) {
  IssuedToken issued;
  issued.token = auth::NewApiToken();
  issued.record = ApiToken{
      crypto::NewUuid(), user.id, name.empty() ? "token" : name, auth::TokenHash(issued.token), now,
      expires_at,        false};
  if (auto r = store_.CreateToken(issued.record); !r) return tl::unexpected(r.error());
  return issued;
}

Result<IssuedToken> IdentityService::Login(std::string const& name, std::string const& password,
                                           std::string const& token_name, TimePoint now,
                                           std::optional<std::chrono::seconds> ttl) {
  auto user = store_.FindUser(name);
  if (!user || user->name != name) {
    // Spend the same time as a real check, so response times don't reveal which names exist.
    static std::string const kDummy = auth::HashPassword("dummy-password-for-timing").value_or("");
    (void)auth::VerifyPassword(password, kDummy);
    return tl::unexpected(BadLogin());
  }
  if (!user->active || user->service_account || user->password_hash.empty() ||
      !auth::VerifyPassword(password, user->password_hash)) {
    return tl::unexpected(BadLogin());
  }
  return Issue(*user, token_name, now + ttl.value_or(options_.login_token_ttl), now);
}

Result<Principal> IdentityService::Authenticate(std::string const& token, TimePoint now) {
  auto revision = store_.Revision();
  if (!revision) return tl::unexpected(revision.error());
  return Authenticate(token, now, *revision);
}

Result<Principal> IdentityService::Authenticate(std::string const& token, TimePoint now,
                                                int64_t revision) {
  Error const invalid{ErrorCode::kUnauthenticated,
                      "the API token is invalid, expired or revoked; log in again"};
  if (!auth::LooksLikeApiToken(token)) return tl::unexpected(invalid);
  std::string hash = auth::TokenHash(token);
  if (auto hit = accepted_.Get(hash, revision)) {
    if (hit->expires_at && *hit->expires_at <= now) return tl::unexpected(invalid);
    return hit->principal;
  }
  auto record = store_.FindTokenByHash(hash);
  if (!record) {
    if (record.error().code == ErrorCode::kNotFound) return tl::unexpected(invalid);
    return tl::unexpected(record.error());
  }
  if (record->revoked || (record->expires_at && *record->expires_at <= now)) {
    return tl::unexpected(invalid);
  }
  auto user = store_.FindUser(record->user_id);
  if (!user || !user->active) return tl::unexpected(invalid);
  Principal principal{user->name, user->admin, user->id};
  accepted_.Put(std::move(hash), revision, Accepted{principal, record->expires_at});
  return principal;
}

Result<User> IdentityService::CreateUser(Principal const& caller, NewUserRequest const& request,
                                         TimePoint now) {
  if (auto r = RequireAdmin(caller, "create users"); !r) return tl::unexpected(r.error());
  if (auto r = CheckUserName(request.name); !r) return tl::unexpected(r.error());
  User user{crypto::NewUuid(),       request.name, "",  request.admin,
            request.service_account, true,         now, now};
  if (request.service_account) {
    if (request.password) {
      return Fail(ErrorCode::kInvalidArgument, "service accounts have API keys, not passwords");
    }
  } else {
    if (!request.password) {
      return Fail(ErrorCode::kInvalidArgument, "a password is required for a user");
    }
    if (auto r = CheckPassword(*request.password); !r) return tl::unexpected(r.error());
    auto hash = auth::HashPassword(*request.password);
    if (!hash) return tl::unexpected(hash.error());
    user.password_hash = *hash;
  }
  if (auto r = store_.CreateUser(user); !r) return tl::unexpected(r.error());
  user.password_hash.clear();
  return user;
}

Result<std::vector<User>> IdentityService::ListUsers(Principal const& caller) {
  if (auto r = RequireAdmin(caller, "list users"); !r) return tl::unexpected(r.error());
  auto users = store_.ListUsers();
  if (!users) return users;
  for (auto& u : *users) u.password_hash.clear();
  return users;
}

Result<void> IdentityService::DeleteUser(Principal const& caller, std::string const& name) {
  if (auto r = RequireAdmin(caller, "delete users"); !r) return r;
  auto user = store_.FindUser(name);
  if (!user) return tl::unexpected(user.error());
  if (user->name == caller.name) {
    return Fail(ErrorCode::kFailedPrecondition, "you cannot delete your own user");
  }
  auto owned = store_.CountOwnedBy(user->name);
  if (!owned) return tl::unexpected(owned.error());
  if (*owned > 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("user '{}' still owns {} connector(s) or secret(s); delete or hand "
                            "them over first",
                            user->name, *owned));
  }
  return store_.DeleteUser(user->id);
}

Result<IssuedToken> IdentityService::CreateApiKey(Principal const& caller,
                                                  std::string const& account,
                                                  std::string const& key_name,
                                                  std::optional<std::chrono::seconds> ttl,
                                                  TimePoint now) {
  if (auto r = RequireAdmin(caller, "create API keys"); !r) return tl::unexpected(r.error());
  auto user = store_.FindUser(account);
  if (!user) return tl::unexpected(user.error());
  if (!user->service_account) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' is not a service account; people log in with a password", user->name));
  }
  std::optional<TimePoint> expires;
  if (ttl) expires = now + *ttl;
  return Issue(*user, key_name, expires, now);
}

Result<std::vector<ApiToken>> IdentityService::ListTokens(Principal const& caller, bool all) {
  if (all) {
    if (auto r = RequireAdmin(caller, "list every user's tokens"); !r)
      return tl::unexpected(r.error());
    return store_.ListTokens(std::nullopt);
  }
  return store_.ListTokens(caller.user_id);
}

Result<void> IdentityService::RevokeToken(Principal const& caller, std::string const& token_id) {
  auto tokens = store_.ListTokens(caller.admin ? std::nullopt : std::optional(caller.user_id));
  if (!tokens) return tl::unexpected(tokens.error());
  for (auto const& t : *tokens) {
    if (t.id == token_id) return store_.RevokeToken(t.id);
  }
  return Fail(ErrorCode::kNotFound, fmt::format("no API token with ID '{}'", token_id));
}

}  // namespace latchkey
