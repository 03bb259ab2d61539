#pragma once
// Limits the kernel does not enforce for a level, checked while the job runs: CPU seconds (from
// whatever the level can measure: a cgroup, or the processes of a uid), the disk use of the job
// folder, and, where no cgroup bounds memory, the job's resident memory.
#include <cstdint>
#include <functional>
#include <optional>

#include "exec/launcher.hpp"

namespace runner::sandbox {

struct SampledUsage {
  std::int64_t cpu_ns = 0;
  std::optional<std::int64_t> rss_bytes;  // set by levels that must bound memory themselves
};

class SampledLimits {
 public:
  // `sample` measures the job; `watch_memory` says whether it reports rss_bytes. `cpu_seconds`
  // is the job's CPU-time budget (rlimits::cpu_seconds: the command's, or derived from its
  // deadline).
  SampledLimits(const exec::Command& cmd, int cpu_seconds, std::function<SampledUsage()> sample,
                bool watch_memory);

  // For exec::SuperviseHooks::check: false once a limit is exceeded (the job is then stopped).
  bool check();

  // Marks `result` with the limit that stopped the job, and says so in the job's log. A first
  // process killed by SIGXCPU (its RLIMIT_CPU, which is the same budget) counts as the CPU limit.
  void report(exec::RunResult& result, exec::OutputSink& out) const;

 private:
  const exec::Command& cmd_;
  std::function<SampledUsage()> sample_;
  int cpu_seconds_;
  bool watch_memory_;
  int checks_ = 0;
  bool memory_exceeded_ = false, cpu_exceeded_ = false, disk_exceeded_ = false;
};

}  // namespace runner::sandbox
