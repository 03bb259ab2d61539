#pragma once
// Per-run cgroups for memory (swap off), process count and CPU accounting (plus, when a job asks
// for one, a CPU quota), on cgroup v1 controllers or the v2 unified hierarchy, whichever the host
// has for each controller. Every path is taken from a `Host`, so the tests can drive the code
// against a fake cgroupfs tree built in a temp dir.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "exec/launcher.hpp"

namespace runner::sandbox::cgroups {

// Where detect() looks. The defaults are the real host.
struct Host {
  std::filesystem::path mountinfo = "/proc/self/mountinfo";
  std::filesystem::path self_cgroup = "/proc/self/cgroup";
  std::filesystem::path root = "/";  // prepended to every mount point found in `mountinfo`
};

struct Controller {
  std::string name;            // memory, pids, cpuacct (v1) / cpu (v2); cpu for the quota
  int version = 0;             // 1 or 2; 0: not available
  std::filesystem::path base;  // where our job cgroups are created
  std::string reason;          // why not available
};

struct Layout {
  Controller memory, pids, cpu;
  // CPU bandwidth (v1 `cpu.cfs_quota_us`, v2 `cpu.max`) for JobLimits::cpus. Optional: without
  // it a quota is not enforced (the CPU-time budget still is).
  Controller cpu_quota;
  // v2: the leaf the runner moved its own processes into ("<own>/runner"), empty when it did not
  // have to (see prepare_v2).
  std::filesystem::path v2_leaf;
  bool complete() const { return memory.version && pids.version && cpu.version; }
  std::string describe() const;  // e.g. "memory v1, pids v1, cpuacct v1"
  // Every distinct base of an available controller (where job cgroups are made, and swept).
  std::vector<std::filesystem::path> bases() const;
};

// Finds the controllers of this process's cgroups and checks that a child cgroup can be made.
// On v2 this may move the runner's processes into a leaf (prepare_v2).
Layout detect(const Host& host = {});

// The name of the leaf the runner's own processes are moved into on cgroup v2.
inline constexpr const char* kRunnerLeaf = "runner";

// cgroup v2 only lets a cgroup with no processes of its own enable controllers for its children
// ("no internal processes"). prepare_v2 makes `own` (the runner's cgroup, beneath `mount`) a
// parent of job cgroups with `controllers` enabled: when they are not enabled yet and `own` has
// processes, every process listed in own/cgroup.procs (the runner, all its threads) is moved into
// own/runner; then "+memory +pids +cpu" (those missing) is written to own/cgroup.subtree_control.
// Job cgroups are then made as siblings of the leaf. Idempotent: when `own` is already that leaf
// and its parent has the controllers, the parent is the base.
struct V2Setup {
  std::filesystem::path base;  // where job cgroups go; empty on failure
  std::filesystem::path leaf;  // where the runner's processes are, when moved
  std::string error;           // why not, e.g. a controller not delegated to `own`
};
V2Setup prepare_v2(const std::filesystem::path& mount, const std::filesystem::path& own,
                   const std::vector<std::string>& controllers);

// The name of a job cgroup: "runner-s<slot>-<owner pid>-<n>". The owner pid makes a cgroup left
// by a killed runner recognisable (sweep_stale).
std::string job_cgroup_name(int slot, pid_t owner, unsigned n);

// Removes, beneath each of `bases`, the job cgroups (and probe cgroups, "runner-probe-<pid>") of
// runners that are gone: the owner pid in the name is not a live process, and the cgroup has no
// process and no child cgroup. Nothing is killed: a job's processes die with its runner (PDEATHSIG
// and the pid namespace), so a cgroup that still holds processes is not ours to empty (e.g. its
// owner lives in another pid namespace) and is left. Returns the cgroups removed.
std::vector<std::filesystem::path> sweep_stale(const std::vector<std::filesystem::path>& bases);

// SIGKILLs every process in the cgroup `dir` but `spare` until none is left (bounded): v2 writes
// cgroup.kill first; v1, or a v2 kernel without cgroup.kill, kills the pids of cgroup.procs.
void kill_members(const std::filesystem::path& dir, int version, pid_t spare = 0);

// The cgroups of one run; removed (after killing what is in them) by the destructor.
class JobCgroup {
 public:
  // Makes <base>/<name> for each controller (once per distinct base) and writes the limits:
  // v1 memory.limit_in_bytes, memory.memsw.limit_in_bytes, memory.swappiness=0, pids.max,
  // cpu.cfs_period_us/cpu.cfs_quota_us (when limits.cpus > 0); v2 memory.max,
  // memory.swap.max=0, pids.max, cpu.max (when limits.cpus > 0). Throws std::runtime_error.
  JobCgroup(const Layout& layout, const std::string& name, const exec::JobLimits& limits);
  ~JobCgroup();
  JobCgroup(const JobCgroup&) = delete;
  JobCgroup& operator=(const JobCgroup&) = delete;

  void add(pid_t pid);                // moves `pid` (and its future children) in
  std::int64_t cpu_usage_ns() const;  // CPU time of everything that ran in it
  bool oom_killed() const;            // the memory limit killed something
  // SIGKILLs every member but `spare` (the launcher's own helper, reaped by it) until none is left.
  void kill_all(pid_t spare = 0);
  const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

 private:
  Layout layout_;
  std::filesystem::path memory_, pids_, cpu_;
  std::vector<std::filesystem::path> dirs_;
  std::vector<int> versions_;  // of each of dirs_
};

}  // namespace runner::sandbox::cgroups
