#include "cli/child_process.h"

#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace latchkey::cli {
namespace {

sigset_t Forwarded() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
  return set;
}

std::vector<std::string> ChildEnvironment(
    std::map<std::string, std::optional<std::string>> const& changes) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (!changes.count(name)) out.push_back(std::move(entry));
  }
  for (auto const& [name, value] : changes) {
    if (value) out.push_back(name + "=" + *value);
  }
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Passes signals on until `done`; polls so it notices the child's end without a signal.
void ForwardSignals(pid_t child, std::atomic<bool> const& done) {
  sigset_t set = Forwarded();
  timespec tick{0, 100 * 1000 * 1000};
  while (!done.load()) {
    siginfo_t info{};
    int sig = sigtimedwait(&set, &info, &tick);
    if (sig <= 0) continue;
    bool from_terminal = info.si_code == SI_KERNEL && (sig == SIGINT || sig == SIGQUIT);
    if (!from_terminal) ::kill(child, sig);
  }
}

}  // namespace

ForwardedSignals::ForwardedSignals() {
  sigset_t set = Forwarded();
  blocked_ = pthread_sigmask(SIG_BLOCK, &set, nullptr) == 0;
}

ForwardedSignals::~ForwardedSignals() {
  if (!blocked_) return;
  // Signals that arrived after the child ended are dropped rather than delivered on unblock.
  sigset_t set = Forwarded();
  timespec zero{0, 0};
  while (sigtimedwait(&set, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

Result<int> RunChild(ChildCommand const& command) {
  if (command.argv.empty()) return Fail(ErrorCode::kInvalidArgument, "no command to run");
  std::vector<std::string> args = command.argv;
  std::vector<std::string> env = ChildEnvironment(command.env);
  std::vector<char*> argv = Pointers(args), envp = Pointers(env);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  // Descriptors beyond stdio (the endpoint's sockets among them) stay with the CLI.
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addclosefrom_np(&files, 3);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &files, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Fail(rc == ENOENT ? ErrorCode::kNotFound : ErrorCode::kFailedPrecondition,
                "cannot run '" + command.argv.front() + "': " + std::strerror(rc));
  }

  std::atomic<bool> done{false};
  std::thread forwarder(ForwardSignals, pid, std::cref(done));
  int status = 0;
  pid_t waited;
  do {
    waited = ::waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  done.store(true);
  forwarder.join();
  if (waited < 0) {
    return Fail(ErrorCode::kInternal,
                std::string("waiting for the command failed: ") + std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace latchkey::cli
