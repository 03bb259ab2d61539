#pragma once
// Resource limits set in the job's first process just before execve (async-signal-safe).
#include "exec/launcher.hpp"

namespace runner::sandbox::rlimits {

// core 0, fsize = max_file_bytes, nofile 1024, cpu = cpu_seconds (when set) and, when
// `per_uid_nproc`, nproc = max_processes (RLIMIT_NPROC counts every process of the uid, so it is
// only meaningful when the job has a uid of its own, as in `basic`). Returns false on failure.
bool apply(const exec::JobLimits& limits, bool per_uid_nproc);

}  // namespace runner::sandbox::rlimits
