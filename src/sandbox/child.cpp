#include "sandbox/child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exec/supervise.hpp"
#include "sandbox/rlimits.hpp"
#include "sandbox/seccomp.hpp"

namespace runner::sandbox::child {
namespace {

constexpr unsigned kCloseRangeCloexec = 1U << 2;  // CLOSE_RANGE_CLOEXEC, Linux 5.11

}  // namespace

ExecPlan plan_for(const exec::Command& cmd, exec::Clock::duration left) {
  ExecPlan plan;
  plan.program = exec::resolve_program(cmd.argv.at(0), cmd.env);
  plan.argv = cmd.argv;
  plan.env = cmd.env;
  plan.cwd = cmd.cwd.string();
  plan.limits = cmd.limits;
  plan.limits.cpu_seconds = rlimits::cpu_seconds(cmd.limits, left, rlimits::usable_cpus());
  return plan;
}

void fail(int error_fd, const char* step) {
  Failure failure;
  failure.error = errno;
  std::strncpy(failure.step, step, sizeof failure.step - 1);
  (void)!write(error_fd, &failure, sizeof failure);
  _exit(127);
}

void exec_job(const ExecPlan& plan, int out_fd, int error_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) fail(error_fd, "open /dev/null");
  if (dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) fail(error_fd, "dup2");
  if (chdir(plan.cwd.c_str()) != 0) fail(error_fd, "chdir to the working directory");
  if (!rlimits::apply(plan.limits, plan.per_uid_nproc)) fail(error_fd, "setrlimit");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(error_fd, "no_new_privs");
  if (plan.landlock != nullptr && !landlock::enforce(*plan.landlock)) {
    fail(error_fd, "landlock_restrict_self");
  }
  if (plan.landlock_tcp != nullptr && !landlock::enforce(*plan.landlock_tcp)) {
    fail(error_fd, "landlock_restrict_self (tcp)");
  }
  std::vector<char*> argv, envp;
  for (const auto& a : plan.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : plan.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec);
  // Last: the filter denies nothing execve needs, but nothing should run after it but the job.
  if (plan.seccomp != nullptr && !seccomp::load(*plan.seccomp)) fail(error_fd, "seccomp");
  execve(plan.program.c_str(), argv.data(), envp.data());
  fail(error_fd, "execve");
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

}  // namespace runner::sandbox::child
