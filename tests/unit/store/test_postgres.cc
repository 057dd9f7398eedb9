#include "test_postgres.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "crypto/random.h"

namespace latchkey::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(120);

// Waits up to `timeout` for `pid` to exit; true once it has been reaped.
bool WaitFor(pid_t pid, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TestPostgres& TestPostgres::Get() {
  static TestPostgres instance;
  return instance;
}

bool TestPostgres::EnsureStarted() {
  if (!tried_) {
    tried_ = true;
    if (char const* url = std::getenv("LATCHKEY_TEST_POSTGRES_URL"); url && *url) {
      url_ = url;
    } else if (!Launch()) {
      Stop();
    }
  }
  return !url_.empty();
}

bool TestPostgres::Launch() {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    error_ = "pipe failed";
    return false;
  }
  pid_t parent = getpid();
  launcher_ = fork();
  if (launcher_ < 0) {
    error_ = "fork failed";
    return false;
  }
  if (launcher_ == 0) {
    // The launcher stops its server when we die, even without a clean TearDown.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    dup2(out[1], STDOUT_FILENO);
    execl(LATCHKEY_PYTHON3, LATCHKEY_PYTHON3, LATCHKEY_POSTGRES_PEER, nullptr);
    _exit(127);
  }
  close(out[1]);
  // serve_peer prints one JSON object and then waits; read until its closing brace line.
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  bool complete = false;
  while (!complete) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;  // the launcher exited (its stderr, in the test log, says why)
    text.append(buf, static_cast<size_t>(n));
    complete = text.find("\n}") != std::string::npos;
  }
  // The read end stays open until Stop(): closing it would make any later write of the
  // launcher (even the newline after the JSON) fail with EPIPE and take the server down.
  stdout_ = out[0];
  if (!complete) {
    error_ = "tests/peers/postgres.py did not report a running server (see its output above)";
    return false;
  }
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.contains("url") || !json["url"].is_string()) {
    error_ = "tests/peers/postgres.py printed no URL";
    return false;
  }
  url_ = json["url"].get<std::string>();
  return true;
}

void TestPostgres::Stop() {
  auto close_stdout = [this] {
    if (stdout_ >= 0) close(stdout_);
    stdout_ = -1;
  };
  if (launcher_ <= 0) return close_stdout();
  // SIGTERM lets the launcher run `pg_ctl stop` and remove its directory.
  kill(launcher_, SIGTERM);
  if (!WaitFor(launcher_, std::chrono::seconds(60))) {
    kill(launcher_, SIGKILL);
    WaitFor(launcher_, std::chrono::seconds(10));
  }
  launcher_ = -1;
  close_stdout();
}

Result<void> TestPostgres::Admin(std::string const& sql) {
  PGconn* conn = PQconnectdb(url_.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return Fail(ErrorCode::kUnavailable, "admin connection: " + message);
  }
  PQsetNoticeProcessor(
      conn, [](void*, char const*) {}, nullptr);
  PGresult* res = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(res);
  std::string message = PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return Fail(ErrorCode::kUnavailable, sql + ": " + message);
  }
  return {};
}

Result<std::string> TestPostgres::NewSchemaUrl(std::string* schema) {
  std::string name = "lk_test_" + crypto::NewUuid().substr(0, 8);
  if (auto r = Admin("CREATE SCHEMA " + name); !r) return tl::unexpected(r.error());
  *schema = name;
  std::string sep = url_.find('?') == std::string::npos ? "?" : "&";
  return url_ + sep + "options=-csearch_path%3D" + name + "&application_name=" + name;
}

Result<void> TestPostgres::DropSchema(std::string const& schema) {
  return Admin("DROP SCHEMA " + schema + " CASCADE");
}

}  // namespace latchkey::testing
