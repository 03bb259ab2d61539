#include "exec/child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runner::exec::child {
namespace {

constexpr unsigned kCloseRangeCloexec = 1U << 2;  // CLOSE_RANGE_CLOEXEC, Linux 5.11

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

void fail(int error_fd, const char* step) {
  Failure failure;
  failure.error = errno;
  std::strncpy(failure.step, step, sizeof failure.step - 1);
  (void)!write(error_fd, &failure, sizeof failure);
  _exit(127);
}

std::string read_failure(int error_read_fd) {
  Failure failure;
  std::size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(&failure);
  while (got < sizeof failure) {
    const ssize_t n = read(error_read_fd, bytes + got, sizeof failure - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got == 0) return {};
  failure.step[sizeof failure.step - 1] = '\0';
  return std::string(failure.step) + ": " + std::strerror(failure.error);
}

void enter(int out_fd, int error_fd, const std::string& cwd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) fail(error_fd, "open /dev/null");
  if (dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) fail(error_fd, "dup2");
  if (chdir(cwd.c_str()) != 0) fail(error_fd, "chdir to the working directory");
}

void exec(const std::string& program, const std::vector<std::string>& argv,
          const std::vector<std::string>& env, int error_fd, const std::function<bool()>& last,
          const char* last_step) {
  auto c_argv = c_strings(argv);
  auto c_env = c_strings(env);
  syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec);
  if (last && !last()) fail(error_fd, last_step);
  execve(program.c_str(), c_argv.data(), c_env.data());
  fail(error_fd, "execve");
}

}  // namespace runner::exec::child
