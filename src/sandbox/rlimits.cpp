#include "sandbox/rlimits.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>

namespace runner::sandbox::rlimits {
namespace {

bool set(int resource, rlim_t value) {
  const rlimit limit{value, value};
  return setrlimit(resource, &limit) == 0;
}

}  // namespace

bool apply(const exec::JobLimits& limits, bool per_uid_nproc) {
  bool ok = set(RLIMIT_CORE, 0);
  ok = set(RLIMIT_FSIZE, static_cast<rlim_t>(limits.max_file_bytes)) && ok;
  ok = set(RLIMIT_NOFILE, 4096) && ok;
  if (limits.cpu_seconds > 0) {
    // Per process: a backstop to the launcher's sampling of the job's total CPU time.
    const rlimit cpu{static_cast<rlim_t>(limits.cpu_seconds),
                     static_cast<rlim_t>(limits.cpu_seconds) + 1};
    ok = setrlimit(RLIMIT_CPU, &cpu) == 0 && ok;
  }
  if (per_uid_nproc) ok = set(RLIMIT_NPROC, static_cast<rlim_t>(limits.max_processes)) && ok;
  return ok;
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

int cpu_seconds(const exec::JobLimits& limits, exec::Clock::duration left, int cpus) {
  if (limits.cpu_seconds > 0) return limits.cpu_seconds;
  double share = std::max(1, cpus);
  if (limits.cpus > 0) share = std::min(share, limits.cpus);
  const double seconds = std::chrono::duration<double>(left).count();
  const double budget = std::ceil(std::max(0.0, seconds) * share);
  return static_cast<int>(std::clamp(budget, 1.0, 1e9));
}

}  // namespace runner::sandbox::rlimits
