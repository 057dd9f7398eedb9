// Users, passwords and API tokens on a server: bootstrap of the first admin, login (password ->
// token), authentication of a presented token, and the admin-only user management. Tokens are
// random, stored only as hashes, expire, and can be revoked.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.h"
#include "service/access.h"
#include "service/revision_cache.h"
#include "store/store.h"

namespace latchkey {

struct IdentityOptions {
  std::chrono::seconds login_token_ttl{std::chrono::hours(24 * 30)};
};

struct IssuedToken {
  std::string token;  // shown to the caller once; only its hash is stored
  ApiToken record;
};

struct NewUserRequest {
  std::string name;
  std::optional<std::string> password;  // people; none for service accounts
  bool admin = false;
  bool service_account = false;
};

class IdentityService {
 public:
  IdentityService(Store& store, IdentityOptions options) : store_(store), options_(options) {}

  // On a store without users, creates the admin `admin`. Returns the password when it had to
  // be generated (the caller prints it once); none when `password` was given or users exist.
  Result<std::optional<std::string>> Bootstrap(std::optional<std::string> const& password,
                                               TimePoint now);

  // The token lasts `ttl` (default: the options' login_token_ttl).
  Result<IssuedToken> Login(std::string const& name, std::string const& password,
                            std::string const& token_name, TimePoint now,
                            std::optional<std::chrono::seconds> ttl = std::nullopt);
  // The principal behind a presented API token (kUnauthenticated for anything wrong with it,
  // without saying what: unknown, revoked and expired tokens look the same to the caller).
  Result<Principal> Authenticate(std::string const& token, TimePoint now);
  // The same with the store's revision already read by the caller (before this call): a token
  // accepted at this revision is answered from memory, because revoking it or changing or
  // deleting its user moves the revision on, on every replica.
  Result<Principal> Authenticate(std::string const& token, TimePoint now, int64_t revision);

  Result<User> CreateUser(Principal const& caller, NewUserRequest const& request, TimePoint now);
  Result<std::vector<User>> ListUsers(Principal const& caller);
  Result<void> DeleteUser(Principal const& caller, std::string const& name);

  // An API key for a service account (admin only); `ttl` none = until revoked.
  Result<IssuedToken> CreateApiKey(Principal const& caller, std::string const& account,
                                   std::string const& key_name,
                                   std::optional<std::chrono::seconds> ttl, TimePoint now);
  // The caller's tokens; an admin's `all` lists everyone's.
  Result<std::vector<ApiToken>> ListTokens(Principal const& caller, bool all);
  Result<void> RevokeToken(Principal const& caller, std::string const& token_id);

 private:
  Result<IssuedToken> Issue(User const& user, std::string const& name,
                            std::optional<TimePoint> expires_at, TimePoint now);
  Result<void> RequireAdmin(Principal const& caller, char const* what);

  struct Accepted {
    Principal principal;
    std::optional<TimePoint> expires_at;
  };

  Store& store_;
  IdentityOptions options_;
  RevisionCache<Accepted> accepted_{4096};  // by token hash
};

}  // namespace latchkey
