#include "sandbox/sampled_limits.hpp"

#include <signal.h>

#include <string>

#include "sandbox/uids.hpp"

namespace runner::sandbox {

SampledLimits::SampledLimits(const exec::Command& cmd, int cpu_seconds,
                             std::function<SampledUsage()> sample, bool watch_memory)
    : cmd_(cmd),
      sample_(std::move(sample)),
      cpu_seconds_(cpu_seconds),
      watch_memory_(watch_memory) {}

bool SampledLimits::check() {
  const auto& limits = cmd_.limits;
  if (watch_memory_ || cpu_seconds_ > 0) {
    const SampledUsage usage = sample_();
    if (usage.rss_bytes && *usage.rss_bytes > static_cast<std::int64_t>(limits.memory_mb) << 20) {
      memory_exceeded_ = true;
      return false;
    }
    if (cpu_seconds_ > 0 && usage.cpu_ns > static_cast<std::int64_t>(cpu_seconds_) * 1000000000) {
      cpu_exceeded_ = true;
      return false;
    }
  }
  // Walking the job folder costs more than the other samples: every fourth check.
  if (++checks_ % 4 == 0 && limits.max_disk_bytes > 0 &&
      uids::disk_usage(cmd_.job_root) > limits.max_disk_bytes) {
    disk_exceeded_ = true;
    return false;
  }
  return true;
}

void SampledLimits::report(exec::RunResult& result, exec::OutputSink& out) const {
  if (memory_exceeded_) {
    result.memory_limit_hit = true;
    out.write("\n[sandbox] memory limit of " + std::to_string(cmd_.limits.memory_mb) +
              " MB exceeded (resident memory of the job's processes): stopped\n");
  }
  if (cpu_exceeded_) {
    result.timed_out = true;
    out.write("\n[sandbox] CPU time limit of " + std::to_string(cpu_seconds_) +
              " s exceeded: stopped\n");
  } else if (result.signal == SIGXCPU && !result.timed_out) {
    result.timed_out = true;
    out.write("\n[sandbox] CPU time limit of " + std::to_string(cpu_seconds_) +
              " s exceeded (RLIMIT_CPU of a process): stopped\n");
  }
  if (disk_exceeded_) {
    result.signal = SIGXFSZ;
    out.write("\n[sandbox] disk limit of " + std::to_string(cmd_.limits.max_disk_bytes) +
              " bytes exceeded: stopped\n");
  }
}

}  // namespace runner::sandbox
