#include "sandbox/child.hpp"

#include <sys/prctl.h>

#include "exec/supervise.hpp"
#include "sandbox/rlimits.hpp"
#include "sandbox/seccomp.hpp"

namespace runner::sandbox::child {

using exec::child::fail;

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

void exec_job(const ExecPlan& plan, int out_fd, int error_fd) {
  exec::child::enter(out_fd, error_fd, plan.cwd);
  if (!rlimits::apply(plan.limits, plan.per_uid_nproc)) fail(error_fd, "setrlimit");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(error_fd, "no_new_privs");
  if (plan.landlock != nullptr && !landlock::enforce(*plan.landlock)) {
    fail(error_fd, "landlock_restrict_self");
  }
  if (plan.landlock_tcp != nullptr && !landlock::enforce(*plan.landlock_tcp)) {
    fail(error_fd, "landlock_restrict_self (tcp)");
  }
  // Last: the filter denies nothing execve needs, but nothing should run after it but the job.
  exec::child::exec(
      plan.program, plan.argv, plan.env, error_fd,
      [&plan] { return plan.seccomp == nullptr || seccomp::load(*plan.seccomp); }, "seccomp");
}

}  // namespace runner::sandbox::child
