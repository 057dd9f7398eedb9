// Users, passwords and API tokens on a server: bootstrap of the first admin, login (password ->
// token), authentication of a presented token, and the admin-only user management. Tokens are
// random, stored only as hashes, expire, and can be revoked.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/concurrency_limit.h"
#include "core/identity.h"
#include "service/access.h"
#include "service/login_throttle.h"
#include "common/revision_cache.h"
#include "store/store.h"

namespace latchkey {

struct IdentityOptions {
  std::chrono::seconds login_token_ttl{std::chrono::hours(24 * 30)};
  LoginThrottleOptions throttle;
  // Argon2 checks at once, and callers allowed to queue for one (others get kResourceExhausted):
  // each check takes tens of milliseconds of a core, so unbounded logins would starve every
  // other request of CPU and of worker threads.
  int password_check_slots = 2;
  int password_check_queue = 4;
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
  IdentityService(Store& store, IdentityOptions options)
      : store_(store),
        options_(options),
        throttle_(options.throttle),
        password_slots_(options.password_check_slots, options.password_check_queue) {}

  // On a store without users, creates the admin `admin`. Returns the password when it had to
  // be generated (the caller prints it once); none when `password` was given or users exist.
  Result<std::optional<std::string>> Bootstrap(std::optional<std::string> const& password,
                                               TimePoint now);

  // Every refusal costs one Argon2 check, as a right password does (a dummy hash stands in for
  // unknown users, service accounts and deactivated users), so timing does not tell them apart.
  // Failures are throttled per name and per `client_address` (LoginThrottle): a locked-out
  // attempt is kResourceExhausted without a password check; LoginRetryAfter says for how long.
  // The token lasts `ttl` (default: the options' login_token_ttl).
  Result<IssuedToken> Login(std::string const& name, std::string const& password,
                            std::string const& token_name, TimePoint now,
                            std::string const& client_address = "",
                            std::optional<std::chrono::seconds> ttl = std::nullopt);
  std::optional<std::chrono::seconds> LoginRetryAfter(std::string const& name,
                                                      std::string const& client_address,
                                                      TimePoint now);
  // Argon2 verifications done by Login so far (how tests see that refusals do the same work).
  uint64_t password_checks() const { return password_checks_.load(); }
  // The principal behind a presented API token (kUnauthenticated for anything wrong with it,
  // without saying what: unknown, revoked and expired tokens look the same to the caller).
  Result<Principal> Authenticate(std::string const& token, TimePoint now);
  // The same with the store's revision already read by the caller (before this call): a token
  // accepted at this revision is answered from memory, because revoking it or changing or
  // deleting its user moves the revision on, on every replica.
  Result<Principal> Authenticate(std::string const& token, TimePoint now, int64_t revision);

  Result<User> CreateUser(Principal const& caller, NewUserRequest const& request, TimePoint now);
  // One page of users (admin only), without their password hashes.
  Result<Page<User>> PageUsers(Principal const& caller, ListQuery query);
  Result<void> DeleteUser(Principal const& caller, std::string const& name);

  // An API key for a service account (admin only); `ttl` none = until revoked.
  Result<IssuedToken> CreateApiKey(Principal const& caller, std::string const& account,
                                   std::string const& key_name,
                                   std::optional<std::chrono::seconds> ttl, TimePoint now);
  // One page of the caller's tokens; an admin's `all` lists everyone's.
  Result<Page<ApiToken>> PageTokens(Principal const& caller, bool all, ListQuery query);
  Result<void> RevokeToken(Principal const& caller, std::string const& token_id);

 private:
  Result<IssuedToken> Issue(User const& user, std::string const& name,
                            std::optional<TimePoint> expires_at, TimePoint now);
  Result<void> RequireAdmin(Principal const& caller, char const* what);
  // VerifyPassword within a password-check slot; kResourceExhausted when none is to be had.
  Result<bool> CheckPasswordSlot(std::string const& password, std::string const& encoded);

  struct Accepted {
    Principal principal;
    std::optional<TimePoint> expires_at;
  };

  Store& store_;
  IdentityOptions options_;
  RevisionCache<Accepted> accepted_{4096, size_t{2} << 20};  // by token hash
  LoginThrottle throttle_;
  ConcurrencyLimit password_slots_;
  std::atomic<uint64_t> password_checks_{0};

 public:
  RevisionCache<Accepted> const& accepted_tokens() const { return accepted_; }
};

}  // namespace latchkey
