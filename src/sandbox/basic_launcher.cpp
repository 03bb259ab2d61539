// Sandbox level `basic`, for hosts without namespaces (AWS Fargate): the job runs as an
// unprivileged uid of its own per slot (so the runner's /proc entries are unreadable, signals to
// the runner fail and RLIMIT_NPROC counts only the job), with rlimits, no_new_privs, the seccomp
// filter and, where the kernel has it, Landlock confining writes to the job folder. Memory and
// CPU are sampled over the uid's processes and the job is stopped when it goes over; at the end
// every process of the uid is killed.
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "exec/supervise.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/child.hpp"
#include "sandbox/full_launcher.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/sampled_limits.hpp"
#include "sandbox/seccomp.hpp"
#include "sandbox/uids.hpp"
#include "util/unique_fd.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using util::UniqueFd;

class BasicLauncher : public exec::Launcher {
 public:
  BasicLauncher(uids::SlotIds ids, int landlock_abi, const std::vector<std::string>& read_only)
      : uid_(ids.job), landlock_abi_(landlock_abi), readable_(landlock::system_readable()) {
    readable_.insert(readable_.end(), read_only.begin(), read_only.end());
    no_inet_ = seccomp::compile({.allow_inet = false, .allow_netlink = false});
    inet_ = seccomp::compile({.allow_inet = true, .allow_netlink = false});
    network_ = seccomp::compile({.allow_inet = true, .allow_netlink = true});
    if (landlock_abi_ >= 4) {
      const auto [first, last] = landlock::ephemeral_ports();
      gradle_tcp_ = landlock::prepare_tcp(first, last);  // ~28k port rules: made once
    }
  }
  ~BasicLauncher() override { landlock::close(gradle_tcp_); }

  exec::RunResult run(const exec::Command& cmd, exec::Clock::time_point deadline,
                      exec::OutputSink& out) override {
    const auto started = exec::Clock::now();
    child::ExecPlan plan = plan_exec(cmd, deadline - started);
    landlock::Ruleset ruleset = confine(cmd, plan);
    struct Closer {
      landlock::Ruleset& r;
      ~Closer() { landlock::close(r); }
    } closer{ruleset};
    if (landlock_abi_ > 0) plan.landlock = &ruleset;

    util::Pipe output, errors;
    const pid_t pid = start(plan, output, errors);
    exec::RunResult result = supervise(cmd, plan.limits.cpu_seconds, pid, output, deadline, out);
    result.seconds = std::chrono::duration<double>(exec::Clock::now() - started).count();
    return result;
  }

  void prepare_job(const fs::path& job_root) override {
    // The job's uid must reach its folder: ancestors get o+x (traverse, not list) if they lack it.
    for (fs::path dir = fs::absolute(job_root).parent_path(); dir != dir.root_path();
         dir = dir.parent_path()) {
      struct stat st {};
      if (stat(dir.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
        chmod(dir.c_str(), (st.st_mode & 07777) | S_IXOTH);
      }
    }
    uids::chown_tree(job_root, uid_, uid_);
  }

  void release_job(const fs::path& job_root) override {
    uids::kill_all(uid_);
    if (landlock_abi_ == 0) uids::remove_files_of(uid_, {"/tmp", "/var/tmp", "/dev/shm"});
    uids::chown_tree(job_root, getuid(), getgid());
  }

  std::string level() const override { return "basic"; }
  std::vector<std::string> features(const exec::JobLimits&) const override {
    std::vector<std::string> f{
        "uid-per-slot", "seccomp", "rlimits", "no-new-privs", "sampled-memory-cpu-limits",
        "kill-by-uid"};
    if (landlock_abi_ > 0) f.push_back("landlock-abi-" + std::to_string(landlock_abi_));
    return f;
  }

 private:
  // A build tool on loopback TCP (JobLimits::loopback_tcp, Gradle) gets AF_INET sockets without
  // `network: true`; with Landlock ABI >= 4 that TCP is narrowed to listening on a kernel-chosen
  // ephemeral port and connecting to ports of the ephemeral range (docs/sandbox.md).
  static bool loopback_tcp_only(const exec::Command& cmd) {
    return !cmd.limits.network && cmd.limits.loopback_tcp;
  }
  static bool allows_tcp(const exec::Command& cmd) {
    return cmd.limits.network || loopback_tcp_only(cmd);
  }

  child::ExecPlan plan_exec(const exec::Command& cmd, exec::Clock::duration left) const {
    child::ExecPlan plan = child::plan_for(cmd, left);
    plan.per_uid_nproc = true;
    plan.seccomp = cmd.limits.network ? &network_ : (allows_tcp(cmd) ? &inet_ : &no_inet_);
    return plan;
  }

  // The Landlock ruleset of the run (writes only to the job folder), when the kernel has
  // Landlock; adds the loopback-TCP layer to `plan`. Throws LaunchError.
  landlock::Ruleset confine(const exec::Command& cmd, child::ExecPlan& plan) const {
    if (landlock_abi_ <= 0) return {};
    landlock::Ruleset ruleset;
    try {
      ruleset = landlock::prepare({fs::absolute(cmd.job_root).string()},
                                  {"/dev/null", "/dev/zero", "/dev/full", "/dev/tty"}, readable_,
                                  allows_tcp(cmd));
    } catch (const std::exception& e) {
      throw exec::LaunchError(std::string("sandbox (basic): ") + e.what());
    }
    if (loopback_tcp_only(cmd) && gradle_tcp_.fd >= 0) plan.landlock_tcp = &gradle_tcp_;
    return ruleset;
  }

  // Forks the job's first process as the slot's uid, in a process group of its own. Returns its
  // pid once it has exec'd; throws LaunchError (with every process of the uid killed) when a step
  // before execve failed.
  pid_t start(const child::ExecPlan& plan, util::Pipe& output, util::Pipe& errors) const {
    const pid_t pid = fork();
    if (pid < 0) throw exec::LaunchError(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      setpgid(0, 0);
      if (setgroups(0, nullptr) != 0 || setresgid(uid_, uid_, uid_) != 0 ||
          setresuid(uid_, uid_, uid_) != 0) {
        exec::child::fail(errors.write.get(), "take the job's uid");
      }
      if (!capabilities::drop_all()) exec::child::fail(errors.write.get(), "drop capabilities");
      child::exec_job(plan, output.write.get(), errors.write.get());
    }
    setpgid(pid, pid);
    output.write.reset();
    errors.write.reset();
    if (const std::string failure = exec::child::read_failure(errors.read.get());
        !failure.empty()) {
      waitpid(pid, nullptr, 0);
      uids::kill_all(uid_);
      throw exec::LaunchError("sandbox (basic): " + failure);
    }
    return pid;
  }

  // Runs the job to its end (exec::supervise) with the uid's memory and CPU time sampled.
  // `seconds` is the caller's.
  exec::RunResult supervise(const exec::Command& cmd, int cpu_budget, pid_t pid, util::Pipe& output,
                            exec::Clock::time_point deadline, exec::OutputSink& out) const {
    const long ticks_per_second = sysconf(_SC_CLK_TCK);
    SampledLimits limits(
        cmd, cpu_budget,
        [this, ticks_per_second] {
          const auto usage = uids::usage_of(uid_);
          return SampledUsage{usage.cpu_ticks * 1000000000 / ticks_per_second, usage.rss_bytes};
        },
        /*watch_memory=*/true);
    exec::SuperviseHooks hooks;
    hooks.check = [&] { return limits.check(); };
    hooks.check_interval = std::chrono::milliseconds(100);
    hooks.kill_all = [&] {
      kill(-pid, SIGKILL);
      uids::kill_all(uid_, pid);
    };
    exec::RunResult result = exec::supervise(pid, output.read.get(), deadline, out, hooks);
    limits.report(result, out);
    return result;
  }

  uid_t uid_;
  int landlock_abi_;
  std::vector<std::string> readable_;  // what Landlock lets the job read besides its folder
  std::vector<sock_filter> no_inet_, inet_, network_;
  landlock::Ruleset gradle_tcp_;
};

}  // namespace

std::unique_ptr<exec::Launcher> make_basic_launcher(uids::SlotIds ids, int landlock_abi,
                                                    const std::vector<std::string>& read_only) {
  return std::make_unique<BasicLauncher>(ids, landlock_abi, read_only);
}

}  // namespace runner::sandbox
