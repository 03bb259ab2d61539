#pragma once
// Resource limits set in the job's first process just before execve (async-signal-safe), and the
// job's CPU-time budget.
#include "exec/launcher.hpp"

namespace runner::sandbox::rlimits {

// core 0, fsize = max_file_bytes, nofile 4096, cpu = cpu_seconds (when set: SIGXCPU at the
// limit, SIGKILL a second later) and, when `per_uid_nproc`, nproc = max_processes (RLIMIT_NPROC
// counts every process of the uid, so it is only meaningful when the job has a uid of its own, as
// in `basic`). Returns false on failure.
bool apply(const exec::JobLimits& limits, bool per_uid_nproc);

// The CPUs this process may run on (its affinity mask).
int usable_cpus();

// The job's CPU-time budget in seconds, for the sampled total and the per-process RLIMIT_CPU:
// `limits.cpu_seconds` when set; otherwise what the job could use until its deadline on every CPU
// it may use (`cpus`, or `limits.cpus` when lower): ceil(seconds left x CPUs), at least 1. So the
// default never stops a job before its wall-clock deadline would, and a process that escaped the
// job's end (it should not) still cannot spin for longer than the job could have.
int cpu_seconds(const exec::JobLimits& limits, exec::Clock::duration left, int cpus);

}  // namespace runner::sandbox::rlimits
