#include "exec/supervise.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "exec/process_tree.hpp"
#include "util/text.hpp"
#include "util/unique_fd.hpp"

namespace runner::exec {
namespace {

// Without pidfd (kernels before 5.3): has the child exited? Leaves it unreaped.
bool waitid_nohang(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// Reads one chunk into `out`; false at end of file.
bool drain_once(int fd, std::vector<char>& buffer, OutputSink& out) {
  const ssize_t n = read(fd, buffer.data(), buffer.size());
  if (n > 0) {
    out.write(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    return true;
  }
  return n < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& entry : env) {
    if (entry.starts_with(key + "=")) return entry.substr(key.size() + 1);
  }
  return {};
}

std::string resolve_program(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) return name;
  for (const auto& dir : util::split(env_value(env, "PATH"), ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw LaunchError("cannot find '" + name + "' in PATH=" + env_value(env, "PATH"));
}

RunResult supervise(pid_t pid, int out_fd, Clock::time_point deadline, OutputSink& out,
                    const SuperviseHooks& hooks) {
  RunResult result;
  util::UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  std::vector<char> buffer(64 * 1024);
  bool pipe_open = true;
  bool exited = false;
  auto next_check = Clock::now() + hooks.check_interval;
  while (!exited) {
    const auto now = Clock::now();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    if (hooks.check && now >= next_check) {
      if (!hooks.check()) break;
      next_check = now + hooks.check_interval;
    }
    pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {pipe_open ? out_fd : -1, POLLIN, 0}};
    long long cap = pidfd.valid() ? 1000 : 50;
    if (hooks.check) cap = std::min<long long>(cap, hooks.check_interval.count());
    const int timeout = static_cast<int>(std::min<long long>(left.count() + 1, cap));
    if (poll(fds, 2, timeout) < 0 && errno != EINTR) break;
    if (fds[1].revents & (POLLIN | POLLHUP)) pipe_open = drain_once(out_fd, buffer, out);
    if (fds[0].revents & POLLIN) exited = true;
    if (!pidfd.valid()) exited = waitid_nohang(pid);
  }
  // Whatever is left of the job goes now.
  if (hooks.kill_all) {
    hooks.kill_all();
  } else {
    kill_tree(pid);
  }
  int status = 0;
  pid_t waited = -1;
  do {
    waited = waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  if (waited != pid) {
    // Reaped elsewhere (a kill-by-uid sweep reaps the uid's orphans): the status is lost, and a
    // lost status must never read as a clean exit.
    status = -1;
  }
  if (!result.timed_out && waited == pid) {
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  }
  // Read what is still buffered in the pipe; every writer is dead or dying, so this ends.
  const auto drain_deadline = Clock::now() + std::chrono::seconds(2);
  while (pipe_open && Clock::now() < drain_deadline) {
    pollfd fd{out_fd, POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    pipe_open = drain_once(out_fd, buffer, out);
  }
  return result;
}

}  // namespace runner::exec
