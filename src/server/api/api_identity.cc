// /api/v1/login, logout, current-user, users, tokens: who may call the API.
#include "auth/api_token.h"
#include "server/api/api_common.h"
#include "server/api/api_lists.h"
#include "server/api/api_requests.h"

namespace latchkey::api {
namespace {

using server::HttpRequest;
using server::HttpResponse;
using server::PathParams;

nlohmann::json UserJson(User const& u) {
  return {{"id", u.id},         {"name", u.name},
          {"admin", u.admin},   {"service_account", u.service_account},
          {"active", u.active}, {"created", FormatIso8601(u.created)}};
}

nlohmann::json TokenJson(ApiToken const& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"name", t.name},
          {"created", FormatIso8601(t.created)},
          {"expires_at", t.expires_at ? nlohmann::json(FormatIso8601(*t.expires_at)) : nullptr},
          {"revoked", t.revoked}};
}

nlohmann::json IssuedJson(IssuedToken const& issued, nlohmann::json user) {
  nlohmann::json j = TokenJson(issued.record);
  j["token"] = issued.token;
  j["user"] = std::move(user);
  return j;
}

}  // namespace

HttpResponse LoginRefused(ApiServices& services, Error const& error, std::string const& username,
                          std::string const& client_address) {
  if (error.code != ErrorCode::kResourceExhausted) return AuthErr(error);
  // Throttled, or every password-check slot busy: 429 with when to come back.
  auto wait = services.identity->LoginRetryAfter(username, client_address, Now());
  HttpResponse response = Err(error);
  response.SetHeader("Retry-After", std::to_string(wait.value_or(std::chrono::seconds(1)).count()));
  return response;
}

namespace {

struct LoggedIn {
  IssuedToken issued;
  User user;
};

// The password exchange behind /login (an API token in the answer) and /session (the token in a
// cookie): throttled per name and client address, audited as user.login either way. A failure is
// the response to answer.
tl::expected<LoggedIn, HttpResponse> PasswordLogin(ApiServices& services, HttpRequest const& r,
                                                   std::optional<std::string> token_name,
                                                   std::optional<std::chrono::seconds> ttl) {
  auto body = ParseJsonBody(r.body);
  if (!body) return tl::unexpected(Err(body.error()));
  auto login = ParseLoginBody(*body);
  if (!login) return tl::unexpected(Err(login.error()));
  auto issued =
      services.identity->Login(login->username, login->password,
                               token_name.value_or(login->token_name), Now(), r.peer_address, ttl);
  Principal who{login->username, false, ""};
  Audit(services, who, "user.login", "", login->username,
        issued ? "ok" : AuditLog::ResultOf(issued.error()));
  if (!issued) {
    return tl::unexpected(LoginRefused(services, issued.error(), login->username, r.peer_address));
  }
  auto user = services.state->store().FindUser(issued->record.user_id);
  if (!user) return tl::unexpected(Err(user.error()));
  return LoggedIn{std::move(*issued), std::move(*user)};
}

HttpResponse Login(ApiServices& services, HttpRequest const& r) {
  auto in = PasswordLogin(services, r, std::nullopt, std::nullopt);
  if (!in) return in.error();
  return Ok(IssuedJson(in->issued, UserJson(in->user)));
}

// The dashboard's sign-in: the token goes into an HttpOnly cookie the page's script never sees.
// The custom header is required here too, so a cross-site form cannot sign a victim's browser
// into the attacker's account (login CSRF).
HttpResponse CreateSession(ApiServices& services, HttpRequest const& r) {
  if (auto refused = RefuseCrossSite(r)) return *refused;
  auto in = PasswordLogin(services, r, "dashboard session", kSessionTtl);
  if (!in) return in.error();
  HttpResponse response = Ok(
      {{"user", UserJson(in->user)}, {"expires_at", FormatIso8601(*in->issued.record.expires_at)}});
  response.SetHeader("Set-Cookie", SessionCookie(in->issued.token, kSessionTtl, r.tls));
  return response;
}

HttpResponse Logout(ApiServices& services, Call& call) {
  // The token was just authenticated, so its record exists: look it up by hash directly.
  auto token = services.state->store().FindTokenByHash(auth::TokenHash(call.token));
  if (!token) return Err(token.error());
  auto r = services.identity->RevokeToken(call.principal, token->id);
  Audit(services, call.principal, "token.revoke", token->id, token->name, ResultText(r));
  if (!r) return Err(r.error());
  return NoContent();
}

HttpResponse DeleteSession(ApiServices& services, Call& call) {
  HttpResponse response = Logout(services, call);
  if (response.status == 204) {
    response.SetHeader("Set-Cookie", SessionCookie("", std::chrono::seconds(0), call.request.tls));
  }
  return response;
}

HttpResponse CurrentUser(ApiServices& services, Call& call) {
  auto user = services.state->store().FindUser(call.principal.user_id);
  if (!user) return Err(user.error());
  return Ok(UserJson(*user));
}

// Users and tokens page like every list (server/api/api_lists.h), filtered and paged in SQL.
HttpResponse ListUsers(ApiServices& services, Call& call) {
  auto query = ListQueryOf(call.request, UserFields());
  if (!query) return Err(query.error());
  auto users = services.identity->PageUsers(call.principal, std::move(*query));
  if (!users) return Err(users.error());
  return Ok(PageJson(*users, UserJson));
}

HttpResponse CreateUser(ApiServices& services, Call& call) {
  auto body = ParseJsonBody(call.request.body);
  if (!body) return Err(body.error());
  auto request = ParseNewUserBody(*body);
  if (!request) return Err(request.error());
  auto user = services.identity->CreateUser(call.principal, *request, Now());
  Audit(services, call.principal, "user.create", user ? user->id : "", request->name,
        user ? "ok" : AuditLog::ResultOf(user.error()));
  if (!user) return Err(user.error());
  return Ok(UserJson(*user), 201);
}

HttpResponse DeleteUser(ApiServices& services, Call& call) {
  auto r = services.identity->DeleteUser(call.principal, call.Param("name"));
  Audit(services, call.principal, "user.delete", "", call.Param("name"), ResultText(r));
  if (!r) return Err(r.error());
  return NoContent();
}

HttpResponse CreateApiKey(ApiServices& services, Call& call) {
  auto body = ParseJsonBody(call.request.body);
  if (!body) return Err(body.error());
  auto request = ParseApiKeyBody(*body);
  if (!request) return Err(request.error());
  std::optional<std::chrono::seconds> ttl;
  if (request->ttl_seconds) ttl = std::chrono::seconds(*request->ttl_seconds);
  auto issued = services.identity->CreateApiKey(call.principal, call.Param("name"), request->name,
                                                ttl, Now());
  Audit(services, call.principal, "api_key.create", issued ? issued->record.id : "",
        call.Param("name"), issued ? "ok" : AuditLog::ResultOf(issued.error()));
  if (!issued) return Err(issued.error());
  auto user = services.state->store().FindUser(issued->record.user_id);
  if (!user) return Err(user.error());
  return Ok(IssuedJson(*issued, UserJson(*user)), 201);
}

HttpResponse ListTokens(ApiServices& services, Call& call) {
  auto all = QueryBool(call.request, "all");
  if (!all) return Err(all.error());
  auto query = ListQueryOf(call.request, TokenFields(), {"all"});
  if (!query) return Err(query.error());
  auto tokens =
      services.identity->PageTokens(call.principal, all->value_or(false), std::move(*query));
  if (!tokens) return Err(tokens.error());
  return Ok(PageJson(*tokens, TokenJson));
}

HttpResponse RevokeToken(ApiServices& services, Call& call) {
  auto r = services.identity->RevokeToken(call.principal, call.Param("id"));
  Audit(services, call.principal, "token.revoke", call.Param("id"), "", ResultText(r));
  if (!r) return Err(r.error());
  return NoContent();
}

}  // namespace

void AddIdentityRoutes(server::Router& router, ApiServices& services) {
  auto& s = services;
  router.Add(
      "POST", "/api/v1/login",
      [&s](HttpRequest const& r, PathParams const&) { return Login(s, r); },
      "Exchange a user name and password for an API token");
  router.Add(
      "POST", "/api/v1/session",
      [&s](HttpRequest const& r, PathParams const&) { return CreateSession(s, r); },
      "Sign in to the dashboard: a user name and password for an HttpOnly session cookie");
  router.Add("DELETE", "/api/v1/session", Authed(s, [&s](Call& c) { return DeleteSession(s, c); }),
             "Sign out: revoke the session's token and clear its cookie");
  router.Add("POST", "/api/v1/logout", Authed(s, [&s](Call& c) { return Logout(s, c); }),
             "Revoke the token this request carries");
  router.Add("GET", "/api/v1/current-user", Authed(s, [&s](Call& c) { return CurrentUser(s, c); }),
             "The authenticated user");
  router.Add("GET", "/api/v1/users", Authed(s, [&s](Call& c) { return ListUsers(s, c); }),
             "List users (admin)");
  router.Add("POST", "/api/v1/users", Authed(s, [&s](Call& c) { return CreateUser(s, c); }),
             "Create a user or service account (admin)");
  router.Add("DELETE", "/api/v1/users/{name}",
             Authed(s, [&s](Call& c) { return DeleteUser(s, c); }),
             "Delete a user that owns nothing (admin)");
  router.Add("POST", "/api/v1/users/{name}/api_keys",
             Authed(s, [&s](Call& c) { return CreateApiKey(s, c); }),
             "Create an API key for a service account (admin)");
  router.Add("GET", "/api/v1/tokens", Authed(s, [&s](Call& c) { return ListTokens(s, c); }),
             "List API tokens");
  router.Add("DELETE", "/api/v1/tokens/{id}",
             Authed(s, [&s](Call& c) { return RevokeToken(s, c); }), "Revoke an API token");
}

}  // namespace latchkey::api
