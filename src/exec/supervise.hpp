#pragma once
// What every launcher shares: resolving the program in the job's PATH, and the loop that reads a
// job's output until it exits or its deadline passes (plain launcher and sandbox levels alike).
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "exec/launcher.hpp"

namespace runner::exec {

// The value of `key` in a KEY=VALUE environment, or "".
std::string env_value(const std::vector<std::string>& env, const std::string& key);

// Resolves argv[0] against the job's PATH (not the runner's); throws LaunchError.
std::string resolve_program(const std::string& name, const std::vector<std::string>& env);

struct SuperviseHooks {
  // Called about every `check_interval` while the job runs; returns false to stop it now (a limit
  // the launcher samples, e.g. CPU time or memory, was exceeded).
  std::function<bool()> check;
  std::chrono::milliseconds check_interval{250};
  // Kills whatever is left of the job once `pid` has exited or must stop. Defaults to
  // kill_tree(pid).
  std::function<void()> kill_all;
};

// Reads `out_fd` into `out` until `pid` (our child) exits or `deadline` passes; then kills what
// is left, reaps `pid` and drains the pipe. Fills exit_code/signal/timed_out (not `seconds`).
RunResult supervise(pid_t pid, int out_fd, Clock::time_point deadline, OutputSink& out,
                    const SuperviseHooks& hooks = {});

}  // namespace runner::exec
