#include "sandbox/rlimits.hpp"

#include <sys/resource.h>

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

}  // namespace runner::sandbox::rlimits
