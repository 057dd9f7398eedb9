#include "connectors/azure/az_cli.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace latchkey::azure {
namespace {

void Drain(int fds[2], std::string& out, std::string& err) {
  pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
  int open = 2;
  char buf[4096];
  while (open > 0) {
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(p[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out : err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(p[i].fd);
        p[i].fd = -1;
        --open;
      }
    }
  }
}

}  // namespace

Result<CommandOutput> RunCommand(std::vector<std::string> const& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0) return Fail(ErrorCode::kInternal, "pipe() failed");
  if (pipe(err_pipe) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Fail(ErrorCode::kInternal, "pipe() failed");
  }
  std::vector<char*> args;
  for (auto const& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return Fail(ErrorCode::kInternal, "fork() failed");
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandOutput result;
  int fds[2] = {out_pipe[0], err_pipe[0]};
  Drain(fds, result.out, result.err);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (result.exit_status == 127 && result.out.empty()) {
    return Fail(ErrorCode::kFailedPrecondition, "cannot run '" + argv[0] + "': not found on PATH");
  }
  return result;
}

}  // namespace latchkey::azure
