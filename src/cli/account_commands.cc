// `latchkey login | logout | user ... | token ...`: sessions with a server and its accounts.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "auth/password_hash.h"
#include "cli/app.h"
#include "cli/list_options.h"
#include "cli/render.h"
#include "cli/text_table.h"
#include "client/remote_lists.h"
#include "client/remote_session.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "common/strings.h"
#include "http/url_encoding.h"

namespace latchkey::cli {
namespace {

// Reads a password: the first line of stdin with --password-stdin, else a prompt without echo.
Result<std::string> ReadPassword(bool from_stdin, char const* prompt) {
  std::string password;
  if (from_stdin || !::isatty(STDIN_FILENO)) {
    auto line = ReadBoundedLine(std::cin, auth::kMaxPasswordBytes + 1, "the password");
    if (!line) return tl::unexpected(line.error());
    if (!*line || (*line)->empty()) {
      return Fail(ErrorCode::kInvalidArgument, "no password on standard input");
    }
    password = std::move(**line);
  } else {
    std::cerr << prompt << std::flush;
    termios old_mode{};
    ::tcgetattr(STDIN_FILENO, &old_mode);
    termios silent = old_mode;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    auto line = ReadBoundedLine(std::cin, auth::kMaxPasswordBytes + 1, "the password");
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
    if (!line) return tl::unexpected(line.error());
    password = line->value_or("");
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

Result<RemoteBackend*> Remote(CliState& state) {
  auto backend = state.backend();
  if (!backend) return tl::unexpected(backend.error());
  auto* remote = dynamic_cast<RemoteBackend*>(*backend);
  if (!remote) {
    return Fail(ErrorCode::kFailedPrecondition,
                "not logged in to a Latchkey server: run `latchkey login URL` first");
  }
  return remote;
}

struct LoginArgs {
  std::string url;
  std::string username = "admin";
  bool password_stdin = false;
  std::string ca_file;
  bool insecure = false;
};

Result<void> Login(CliState& state, LoginArgs const& a) {
  auto password = ReadPassword(a.password_stdin, "Password: ");
  if (!password) return tl::unexpected(password.error());
  RemoteSession session{a.url, "", a.username, Opt(a.ca_file), a.insecure};
  auto options = RemoteOptionsFor(state.env(), session);
  if (!options) return tl::unexpected(options.error());
  RemoteBackend anonymous(std::move(*options), MakeCurlHttpClient());
  auto j = anonymous.Call(
      "POST", "/api/v1/login", {},
      nlohmann::json{{"username", a.username}, {"password", *password}, {"token_name", "cli"}});
  if (!j) return tl::unexpected(j.error());
  session.token = JsonString(*j, "token");
  if (session.token.empty()) return Fail(ErrorCode::kInternal, "the server issued no token");
  if (auto r = SaveRemoteSession(state.env(), session); !r) return r;
  std::cout << "Logged in to " << a.url << " as '" << a.username
            << "'. Commands now go to this server; `latchkey logout` returns to the local "
               "store.\n";
  return {};
}

Result<void> Logout(CliState& state) {
  auto session = LoadRemoteSession(state.env());
  if (session && *session) {
    // Best effort: the token dies on the server too, unless the server is gone.
    auto options = RemoteOptionsFor(state.env(), **session);
    if (options) {
      RemoteBackend remote(std::move(*options), MakeCurlHttpClient());
      (void)remote.Call("POST", "/api/v1/logout");
    }
  }
  auto cleared = ClearRemoteSession(state.env());
  if (!cleared) return tl::unexpected(cleared.error());
  std::cout << (*cleared ? "Logged out. Commands use the local store again.\n"
                         : "Not logged in to a server; commands use the local store.\n");
  return {};
}

void PrintJsonOr(CliState& state, nlohmann::json const& j, std::function<void()> table) {
  if (state.format() != OutputFormat::kTable) {
    PrintStructured(state.format(), j);
  } else {
    table();
  }
}

// Users and tokens are listed from the server's pages as JSON items (list_options.h's flags),
// printed as one JSON/YAML array or a table with the page footer.
Result<Page<nlohmann::json>> ListFromServer(RemoteBackend& remote, std::string const& path,
                                            ListOptions const& options, ListQuery query,
                                            QueryList const& route_params) {
  return FetchPages<nlohmann::json>(
      options, std::move(query), [&](ListQuery const& q) -> Result<Page<nlohmann::json>> {
        QueryList params = ListParams(q);
        params.insert(params.end(), route_params.begin(), route_params.end());
        auto j = remote.Call("GET", path, params);
        if (!j) return tl::unexpected(j.error());
        return ParsePage<nlohmann::json>(
            *j, [](nlohmann::json const& item) -> Result<nlohmann::json> { return item; });
      });
}

void PrintListed(CliState& state, Page<nlohmann::json> const& page, char const* noun,
                 std::function<void()> table) {
  PrintJsonOr(state, nlohmann::json(page.items), [&] {
    if (page.items.empty()) {
      std::cout << "No " << noun << " found.\n";
    } else {
      table();
    }
    std::cout << PageFooter(page.index, page.total_pages(), page.total, noun);
  });
}

void AddUserCommands(CLI::App& app, CliState& state) {
  auto* user = app.add_subcommand("user", "Manage the server's users (admin)");
  user->require_subcommand(1);
  struct UserArgs {
    std::string name;
    bool admin = false;
    bool service_account = false;
    bool password_stdin = false;
    std::string key_name = "api-key";
    std::optional<int64_t> ttl_seconds;
  };
  auto a = std::make_shared<UserArgs>();

  auto* create = user->add_subcommand("create", "Create a user (or --service-account)");
  create->add_option("name", a->name, "User name")->required();
  create->add_flag("--admin", a->admin, "Make the user an admin");
  create->add_flag("--service-account", a->service_account,
                   "An account for automation: no password, API keys instead");
  create->add_flag("--password-stdin", a->password_stdin, "Read the password from stdin");
  AddOutputOption(*create, state);
  OnRun(*create, state, [&state, a]() -> Result<void> {
    auto remote = Remote(state);
    if (!remote) return tl::unexpected(remote.error());
    nlohmann::json body = {
        {"name", a->name}, {"admin", a->admin}, {"service_account", a->service_account}};
    if (!a->service_account) {
      auto password = ReadPassword(a->password_stdin, "Password for the new user: ");
      if (!password) return tl::unexpected(password.error());
      body["password"] = *password;
    }
    auto j = (*remote)->Call("POST", "/api/v1/users", {}, body);
    if (!j) return tl::unexpected(j.error());
    PrintJsonOr(state, *j, [&] { std::cout << "Created user '" << a->name << "'.\n"; });
    return {};
  });

  auto filter = std::make_shared<ListOptions>();
  auto* list = user->add_subcommand("list", "List users");
  AddListOptions(*list, *filter, UserFields(), {}, false);
  AddOutputOption(*list, state);
  OnRun(*list, state, [&state, filter]() -> Result<void> {
    auto query = ToListQuery(*filter, UserFields(), "name");
    if (!query) return tl::unexpected(query.error());
    auto remote = Remote(state);
    if (!remote) return tl::unexpected(remote.error());
    auto page = ListFromServer(**remote, "/api/v1/users", *filter, std::move(*query), {});
    if (!page) return tl::unexpected(page.error());
    PrintListed(state, *page, "users", [&] {
      TextTable table({"NAME", "ID", "ADMIN", "SERVICE ACCOUNT", "CREATED"});
      for (auto const& u : page->items) {
        table.AddRow({JsonString(u, "name"), JsonString(u, "id"),
                      JsonBool(u, "admin", false) ? "✅" : "➖",
                      JsonBool(u, "service_account", false) ? "✅" : "➖",
                      DisplayTimeText(JsonString(u, "created"))});
      }
      std::cout << table.Render();
    });
    return {};
  });

  auto* del = user->add_subcommand("delete", "Delete a user who owns nothing");
  del->add_option("name", a->name, "User name")->required();
  OnRun(*del, state, [&state, a]() -> Result<void> {
    auto remote = Remote(state);
    if (!remote) return tl::unexpected(remote.error());
    auto j = (*remote)->Call("DELETE", "/api/v1/users/" + UrlEncode(a->name));
    if (!j) return tl::unexpected(j.error());
    std::cout << "Deleted user '" << a->name << "'.\n";
    return {};
  });

  auto* key = user->add_subcommand("api-key", "Create an API key for a service account");
  key->add_option("name", a->name, "Service account name")->required();
  key->add_option("--key-name", a->key_name, "What the key is for");
  key->add_option("--ttl-seconds", a->ttl_seconds, "Lifetime (default: until revoked)");
  AddOutputOption(*key, state);
  OnRun(*key, state, [&state, a]() -> Result<void> {
    auto remote = Remote(state);
    if (!remote) return tl::unexpected(remote.error());
    nlohmann::json body = {{"name", a->key_name}};
    if (a->ttl_seconds) body["ttl_seconds"] = *a->ttl_seconds;
    auto j = (*remote)->Call("POST", "/api/v1/users/" + UrlEncode(a->name) + "/api_keys", {}, body);
    if (!j) return tl::unexpected(j.error());
    PrintJsonOr(state, *j, [&] {
      std::cout << "API key for '" << a->name << "' (shown once; use it as LATCHKEY_API_TOKEN):\n"
                << JsonString(*j, "token") << "\n";
    });
    return {};
  });
}

void AddTokenCommands(CLI::App& app, CliState& state) {
  auto* token = app.add_subcommand("token", "List and revoke your API tokens");
  token->require_subcommand(1);
  auto all = std::make_shared<bool>(false);
  auto id = std::make_shared<std::string>();
  auto filter = std::make_shared<ListOptions>();
  auto* list = token->add_subcommand("list", "List API tokens");
  list->add_flag("--all", *all, "Every user's tokens (admin)");
  AddListOptions(*list, *filter, TokenFields(), {}, false);
  AddOutputOption(*list, state);
  OnRun(*list, state, [&state, all, filter]() -> Result<void> {
    auto query = ToListQuery(*filter, TokenFields(), "created");
    if (!query) return tl::unexpected(query.error());
    auto remote = Remote(state);
    if (!remote) return tl::unexpected(remote.error());
    auto page = ListFromServer(**remote, "/api/v1/tokens", *filter, std::move(*query),
                               {{"all", *all ? "true" : "false"}});
    if (!page) return tl::unexpected(page.error());
    PrintListed(state, *page, "API tokens", [&] {
      TextTable table({"ID", "NAME", "CREATED", "EXPIRES", "REVOKED"});
      for (auto const& t : page->items) {
        table.AddRow(
            {JsonString(t, "id"), JsonString(t, "name"), DisplayTimeText(JsonString(t, "created")),
             t["expires_at"].is_string() ? DisplayTimeText(t["expires_at"].get<std::string>())
                                         : "never",
             JsonBool(t, "revoked", false) ? "✅" : "➖"});
      }
      std::cout << table.Render();
    });
    return {};
  });
  auto* revoke = token->add_subcommand("revoke", "Revoke an API token by ID");
  revoke->add_option("id", *id, "Token ID")->required();
  OnRun(*revoke, state, [&state, id]() -> Result<void> {
    auto remote = Remote(state);
    if (!remote) return tl::unexpected(remote.error());
    auto j = (*remote)->Call("DELETE", "/api/v1/tokens/" + UrlEncode(*id));
    if (!j) return tl::unexpected(j.error());
    std::cout << "Revoked token " << *id << ".\n";
    return {};
  });
}

}  // namespace

void AddAccountCommands(CLI::App& app, CliState& state) {
  auto a = std::make_shared<LoginArgs>();
  auto* login = app.add_subcommand("login", "Log in to a Latchkey server");
  login->add_option("url", a->url, "Server URL, e.g. http://127.0.0.1:8237")->required();
  login->add_option("-u,--username", a->username, "User name (default: admin)");
  login->add_flag("--password-stdin", a->password_stdin, "Read the password from stdin");
  login->add_option("--ca-file", a->ca_file, "Trust this CA for the server's certificate");
  login->add_flag("--insecure", a->insecure, "Do not verify the server's certificate");
  OnRun(*login, state, [&state, a] { return Login(state, *a); });
  auto* logout = app.add_subcommand("logout", "Forget the server session; use the local store");
  OnRun(*logout, state, [&state] { return Logout(state); });
  AddUserCommands(app, state);
  AddTokenCommands(app, state);
}

}  // namespace latchkey::cli
