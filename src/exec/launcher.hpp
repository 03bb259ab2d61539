#pragma once
// The process-launch seam: every build and test command of a job goes through a Launcher.
// Today's implementation runs a plain child process; the sandbox plugs in here as another one.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "exec/output.hpp"

namespace runner::exec {

using Clock = std::chrono::steady_clock;

// What one job may use. Every launcher gets it; how much of it is enforced depends on the level
// (the plain launcher enforces only the deadline; the sandbox levels enforce the rest).
struct JobLimits {
  int memory_mb = 1024;  // the whole job: build tool + test JVMs
  bool network = false;  // the PIT's `network`
  // The build tool talks to its own processes over loopback TCP (Gradle). `basic`, which has no
  // network namespace, then allows TCP, narrowed by Landlock to ephemeral ports where it can.
  bool loopback_tcp = false;
  int max_processes = 512;                             // processes and threads of the job
  std::int64_t max_file_bytes = 256LL * 1024 * 1024;   // largest file the job may write
  std::int64_t max_disk_bytes = 1024LL * 1024 * 1024;  // everything it writes
  int cpu_seconds = 0;  // CPU time over all its processes; 0: derived from the deadline
  double cpus = 0;      // CPUs it may use at once (a cgroup CPU quota in `full`); 0: no quota
};

struct Command {
  std::vector<std::string> argv;  // argv[0] is looked up in the job's PATH
  std::filesystem::path cwd;
  std::vector<std::string> env;  // the job's whole environment, KEY=VALUE
  // The job folder (workspace::JobDirs::root): the only tree the job may write to.
  std::filesystem::path job_root;
  JobLimits limits;
};

struct RunResult {
  int exit_code = -1;  // when the process exited
  int signal = 0;      // when a signal ended it
  bool timed_out = false;
  // The sandbox's memory limit stopped the job (cgroup OOM kill, or basic's RSS cap).
  bool memory_limit_hit = false;
  double seconds = 0;
  bool ok() const { return !timed_out && signal == 0 && exit_code == 0; }
};

// The program could not be started at all (missing tool, bad cwd): the runner's fault.
class LaunchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Runs `cmd` to completion or until `deadline`, sending stdout and stderr, interleaved in
  // order, to `out`. When it returns, every process the command started is gone.
  virtual RunResult run(const Command& cmd, Clock::time_point deadline, OutputSink& out) = 0;

  // Called once per job, after the runner has filled the job folder and before the first run():
  // a level that runs jobs as another user hands the folder over here.
  virtual void prepare_job(const std::filesystem::path& /*job_root*/) {}
  // Called once per job after the last run(), before the runner reads the reports and removes
  // the folder: take the folder back, remove what the job left elsewhere (e.g. in /tmp).
  virtual void release_job(const std::filesystem::path& /*job_root*/) {}

  virtual std::string level() const = 0;
  // The isolation a job run with `limits` gets (the verdict's sandbox block, the banner with the
  // default limits): e.g. no network namespace for a PIT with `network: true`.
  virtual std::vector<std::string> features(const JobLimits& limits) const = 0;
};

// No isolation (sandbox level `none`): a child in its own process group, a minimal environment,
// the timeout and the cleanup of every descendant, including those that left the group.
std::unique_ptr<Launcher> make_plain_launcher();

}  // namespace runner::exec
