#pragma once
// The last steps of every sandboxed job's first process, shared by the levels: the common start
// (exec/child.hpp), then rlimits, no_new_privs, Landlock, seccomp and execve. Runs in a forked
// child.
#include <linux/filter.h>

#include <string>
#include <vector>

#include "exec/child.hpp"
#include "exec/launcher.hpp"
#include "sandbox/landlock.hpp"

namespace runner::sandbox::child {

// Everything execve needs, prepared in the runner.
struct ExecPlan {
  std::string program;
  std::vector<std::string> argv, env;
  std::string cwd;
  exec::JobLimits limits;
  bool per_uid_nproc = false;
  const std::vector<sock_filter>* seccomp = nullptr;
  const landlock::Ruleset* landlock = nullptr;
  const landlock::Ruleset* landlock_tcp = nullptr;  // a second layer (landlock::prepare_tcp)
};

// The plan both levels start from: `cmd`'s program (resolved on its PATH), arguments, environment,
// folder and limits, with the CPU-time limit settled (rlimits::cpu_seconds for the `left` time
// until the deadline). Level-specific fields stay at their defaults.
ExecPlan plan_for(const exec::Command& cmd, exec::Clock::duration left);

// Resets signals, makes stdin /dev/null and stdout/stderr `out_fd`, enters `cwd`, applies the
// rlimits, no_new_privs, Landlock and seccomp, closes every other descriptor on exec and runs the
// program. The caller has already taken the job's uid. Never returns.
[[noreturn]] void exec_job(const ExecPlan& plan, int out_fd, int error_fd);

}  // namespace runner::sandbox::child
