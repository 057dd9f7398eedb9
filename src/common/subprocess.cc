#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace latchkey {
namespace {

int StatusOf(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return 1;
}

}  // namespace

Result<CapturedOutput> RunCapturingOutput(std::vector<std::string> const& argv,
                                          std::map<std::string, std::string> const& extra_env,
                                          std::chrono::milliseconds timeout, size_t max_output) {
  if (argv.empty()) return Fail(ErrorCode::kInvalidArgument, "no command to run");
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos && extra_env.count(entry.substr(0, eq))) continue;
    env_strings.push_back(std::move(entry));
  }
  for (auto const& [k, v] : extra_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kInternal, std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    return Fail(ErrorCode::kFailedPrecondition,
                "cannot run '" + argv[0] + "': " + std::strerror(rc));
  }

  CapturedOutput out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false, too_long = false;
  char buffer[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{pipe_fds[0], POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.stdout_text.append(buffer, static_cast<size_t>(n));
    if (out.stdout_text.size() > max_output) {
      too_long = true;
      break;
    }
  }
  close(pipe_fds[0]);
  if (timed_out || too_long) kill(pid, SIGKILL);
  int raw = 0;
  while (waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Fail(ErrorCode::kDeadlineExceeded, "'" + argv[0] + "' did not finish within " +
                                                  std::to_string(timeout.count()) + " ms");
  }
  if (too_long) return Fail(ErrorCode::kFailedPrecondition, "'" + argv[0] + "' printed too much");
  out.exit_status = StatusOf(raw);
  return out;
}

}  // namespace latchkey
