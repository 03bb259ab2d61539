#pragma once
// Per-run cgroups for memory (swap off), process count and CPU accounting, on cgroup v1
// controllers or the v2 unified hierarchy, whichever the host has for each controller.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "exec/launcher.hpp"

namespace runner::sandbox::cgroups {

struct Controller {
  std::string name;            // memory, pids, cpuacct (v1) / cpu (v2)
  int version = 0;             // 1 or 2; 0: not available
  std::filesystem::path base;  // where our job cgroups are created
  std::string reason;          // why not available
};

struct Layout {
  Controller memory, pids, cpu;
  bool complete() const { return memory.version && pids.version && cpu.version; }
  std::string describe() const;  // e.g. "memory v1, pids v1, cpuacct v1"
};

// Finds the controllers of this process's cgroups and checks that a child cgroup can be made.
Layout detect();

// The cgroups of one run; removed (after killing what is in them) by the destructor.
class JobCgroup {
 public:
  JobCgroup(const Layout& layout, const std::string& name, const exec::JobLimits& limits);
  ~JobCgroup();
  JobCgroup(const JobCgroup&) = delete;
  JobCgroup& operator=(const JobCgroup&) = delete;

  void add(pid_t pid);                // moves `pid` (and its future children) in
  std::int64_t cpu_usage_ns() const;  // CPU time of everything that ran in it
  bool oom_killed() const;            // the memory limit killed something
  std::int64_t memory_peak() const;   // bytes, when known (0 otherwise)
  // SIGKILLs every member but `spare` (the launcher's own helper, reaped by it) until none is left.
  void kill_all(pid_t spare = 0);
  bool empty(pid_t spare = 0) const;

 private:
  std::vector<pid_t> members(pid_t spare) const;
  Layout layout_;
  std::filesystem::path memory_, pids_, cpu_;
  std::vector<std::filesystem::path> dirs_;
};

}  // namespace runner::sandbox::cgroups
