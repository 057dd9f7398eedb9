#include "service/identity_service.h"

#include <fmt/format.h>

#include <regex>

#include "auth/api_token.h"
#include "auth/password_hash.h"
#include "core/input_limits.h"
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
  ListQuery any;
  any.size = 1;
  auto users = store_.PageUsers(any);
  if (!users) return tl::unexpected(users.error());
  if (users->total > 0) return std::optional<std::string>{};
  std::string chosen = password.value_or("");
  bool generated = chosen.empty();
  if (generated) chosen = auth::NewApiToken().substr(3, 24);  // 24 random base64url characters
  if (auto r = CheckPassword(chosen); !r) return Fail(r.error(), "LATCHKEY_ADMIN_PASSWORD");
  auto hash = auth::HashPassword(chosen);
  if (!hash) return tl::unexpected(hash.error());
  User admin{crypto::NewTimeOrderedUuid(), "admin", *hash, true, false, true, now, now};
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
  issued.record = ApiToken{crypto::NewTimeOrderedUuid(),
                           user.id,
                           name.empty() ? "token" : name,
                           auth::TokenHash(issued.token),
                           now,
                           expires_at,
                           false};
  if (auto r = store_.CreateToken(issued.record); !r) return tl::unexpected(r.error());
  return issued;
}

Result<bool> IdentityService::CheckPasswordSlot(std::string const& password,
                                                std::string const& encoded) {
  auto slot = password_slots_.Acquire();
  if (!slot) {
    return Fail(ErrorCode::kResourceExhausted, "too many logins in progress; retry in a moment");
  }
  ++password_checks_;
  return auth::VerifyPassword(password, encoded);
}

std::optional<std::chrono::seconds> IdentityService::LoginRetryAfter(
    std::string const& name, std::string const& client_address, TimePoint now) {
  return throttle_.RetryAfter(name, client_address, now);
}

Result<IssuedToken> IdentityService::Login(std::string const& name, std::string const& password,
                                           std::string const& token_name, TimePoint now,
                                           std::string const& client_address,
                                           std::optional<std::chrono::seconds> ttl) {
  if (auto r = CheckName("token name", token_name); !r) return tl::unexpected(r.error());
  if (auto wait = throttle_.RetryAfter(name, client_address, now)) {
    return Fail(ErrorCode::kResourceExhausted,
                fmt::format("too many failed logins for this user name or from this address; "
                            "retry in {} s",
                            wait->count()));
  }
  auto user = store_.FindUser(name);
  bool may_log_in = user && user->name == name && user->active && !user->service_account &&
                    !user->password_hash.empty();
  // Every refusal spends the same Argon2 work as a real check (a dummy hash with the current
  // parameters), so response times tell unknown names, service accounts and deactivated users
  // apart from people with a wrong password no better than the answer does.
  static std::string const kDummy = auth::HashPassword("dummy-password-for-timing").value_or("");
  auto verified = CheckPasswordSlot(password, may_log_in ? user->password_hash : kDummy);
  if (!verified) return tl::unexpected(verified.error());
  if (!may_log_in || !*verified) {
    throttle_.Failed(name, client_address, now);
    return tl::unexpected(BadLogin());
  }
  throttle_.Succeeded(name);
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
  User user{crypto::NewTimeOrderedUuid(), request.name, "",  request.admin,
            request.service_account,      true,         now, now};
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

Result<Page<User>> IdentityService::PageUsers(Principal const& caller, ListQuery query) {
  if (auto r = RequireAdmin(caller, "list users"); !r) return tl::unexpected(r.error());
  auto users = store_.PageUsers(query);
  if (!users) return users;
  for (auto& u : users->items) u.password_hash.clear();
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
  if (auto r = CheckName("API key name", key_name); !r) return tl::unexpected(r.error());
  if (ttl) {
    auto r = CheckSeconds("ttl_seconds", ttl->count(), kMaxLifetimeSeconds, false);
    if (!r) return tl::unexpected(r.error());
  }
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

Result<Page<ApiToken>> IdentityService::PageTokens(Principal const& caller, bool all,
                                                   ListQuery query) {
  query.visible_to = caller.user_id;
  if (all) {
    if (auto r = RequireAdmin(caller, "list every user's tokens"); !r) {
      return tl::unexpected(r.error());
    }
    query.visible_to.reset();
  }
  return store_.PageTokens(query);
}

Result<void> IdentityService::RevokeToken(Principal const& caller, std::string const& token_id) {
  ListQuery exact;
  exact.fields.push_back(FieldFilter{"id", FilterOp::kEquals, {token_id}});
  exact.size = 1;
  if (!caller.admin) exact.visible_to = caller.user_id;
  auto tokens = store_.PageTokens(exact);
  if (!tokens) return tl::unexpected(tokens.error());
  if (tokens->items.empty()) {
    return Fail(ErrorCode::kNotFound, fmt::format("no API token with ID '{}'", token_id));
  }
  return store_.RevokeToken(tokens->items[0].id);
}

}  // namespace latchkey
