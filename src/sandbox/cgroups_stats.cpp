// What a run used, read from its cgroups once it is over (or while it runs, for the CPU time).
#include "sandbox/cgroups.hpp"
#include "sandbox/cgroups_files.hpp"

namespace runner::sandbox::cgroups {

using files::read_int;
using files::read_key;

std::int64_t JobCgroup::cpu_usage_ns() const {
  if (layout_.cpu.version == 1) return read_int(cpu_ / "cpuacct.usage");
  return read_key(cpu_ / "cpu.stat", "usage_usec") * 1000;
}

bool JobCgroup::oom_killed() const {
  if (layout_.memory.version == 1) {
    const std::filesystem::path control = memory_ / "memory.oom_control";
    return read_key(control, "oom_kill") > 0 || read_key(control, "under_oom") > 0;
  }
  return read_key(memory_ / "memory.events", "oom_kill") > 0;
}

}  // namespace runner::sandbox::cgroups
