// Sandbox level `full`: the job runs in new user, pid, mount, ipc, uts and (unless the PIT wants
// the network) net namespaces, as uid 1000 there (an unprivileged host uid per slot), in a
// minimal read-only view of the system, inside cgroups that bound its memory (swap off),
// processes and CPU time, with rlimits, no_new_privs and the seccomp filter.
//
// Processes: runner -> C1 (unshares the namespaces; the runner writes its uid/gid maps and puts
// it in the cgroups) -> C2 (pid 1 of the new pid namespace: mounts the view, pivots, reaps) ->
// the job. When the job's first process exits, C2 exits and the kernel kills everything left in
// the pid namespace; the cgroups are then emptied and removed.
#include "sandbox/full_launcher.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>

#include "exec/supervise.hpp"
#include "sandbox/cgroups.hpp"
#include "sandbox/child.hpp"
#include "sandbox/mounts.hpp"
#include "sandbox/namespaces.hpp"
#include "sandbox/sampled_limits.hpp"
#include "sandbox/seccomp.hpp"
#include "sandbox/uids.hpp"
#include "util/unique_fd.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using util::UniqueFd;

constexpr const char* kNewRoot = "/run/runner-sandbox";
std::atomic<unsigned> g_run_counter{0};

bool read_all(int fd, void* data, std::size_t size) {
  auto* bytes = static_cast<char*>(data);
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, bytes + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

// C2: pid 1 of the job's pid namespace.
[[noreturn]] void run_init(const mounts::Plan& plan, const child::ExecPlan& exec_plan, bool new_net,
                           int out_fd, int error_fd, int status_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (new_net && !namespaces::bring_loopback_up()) exec::child::fail(error_fd, "bring lo up");
  if (!namespaces::set_hostname("runner")) exec::child::fail(error_fd, "sethostname");
  const char* step = "mounts";
  if (!mounts::enter(plan, &step)) exec::child::fail(error_fd, step);
  const pid_t job = fork();
  if (job < 0) exec::child::fail(error_fd, "fork the job");
  if (job == 0) {
    setpgid(0, 0);
    const gid_t id = namespaces::kJobIdInside;
    if (setgroups(0, nullptr) != 0 || setresgid(id, id, id) != 0 || setresuid(id, id, id) != 0) {
      exec::child::fail(error_fd, "take the job's uid");
    }
    child::exec_job(exec_plan, out_fd, error_fd);
  }
  close(error_fd);
  close(out_fd);
  int job_status = 0;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(-1, &status, 0);
    if (done == job) {
      job_status = status;
      break;
    }
    if (done < 0 && errno != EINTR) break;
  }
  (void)!write(status_fd, &job_status, sizeof job_status);
  _exit(0);  // the kernel now kills whatever is left in the namespace
}

// The pipes between the runner and C1/C2.
struct Channels {
  util::Pipe output;      // the job's stdout and stderr
  util::Pipe errors;      // a step that failed before execve (exec::child::fail)
  util::Pipe to_child;    // runner -> C1: its uid maps and cgroups are in place
  util::Pipe from_child;  // C1 -> runner: it has unshared; then C2's pid
  util::Pipe status;      // C2 -> runner: the job's wait status

  // In the runner, after the fork: a child end left open would keep the runner from seeing EOF.
  void close_child_ends() {
    output.write.reset();
    errors.write.reset();
    to_child.read.reset();
    from_child.write.reset();
    status.write.reset();
  }
};

// C1: unshares the namespaces, waits for the runner to map its uids, then starts C2 and passes
// on C2's exit status.
[[noreturn]] void run_setup(mounts::Plan& plan, const child::ExecPlan& exec_plan, bool new_net,
                            Channels& ch) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  const int error_fd = ch.errors.write.get();
  if (unshare(namespaces::clone_flags(!new_net)) != 0) exec::child::fail(error_fd, "unshare");
  char go = 'u';
  if (write(ch.from_child.write.get(), &go, 1) != 1 || !read_all(ch.to_child.read.get(), &go, 1)) {
    _exit(126);
  }
  // Opened here, in the new mount namespace (a bind needs a source from it), and with the
  // runner's host identity still, which may traverse the runner's folders.
  mounts::open_sources(plan);
  if (plan.job_root_fd < 0) exec::child::fail(error_fd, "open the job folder");
  if (setresgid(0, 0, 0) != 0 || setgroups(0, nullptr) != 0 || setresuid(0, 0, 0) != 0) {
    exec::child::fail(error_fd, "become root of the user namespace");
  }
  const pid_t c2 = fork();
  if (c2 < 0) exec::child::fail(error_fd, "fork pid 1");
  if (c2 == 0) {
    run_init(plan, exec_plan, new_net, ch.output.write.get(), error_fd, ch.status.write.get());
  }
  close(error_fd);
  close(ch.output.write.get());
  (void)!write(ch.from_child.write.get(), &c2, sizeof c2);
  int c2_status = 0;
  while (waitpid(c2, &c2_status, 0) < 0 && errno == EINTR) {
  }
  _exit(WIFEXITED(c2_status) ? WEXITSTATUS(c2_status) : 125);
}

// A run that cannot start: everything started for it is killed and C1 reaped.
exec::LaunchError abandon(pid_t c1, pid_t c2, cgroups::JobCgroup& cgroup, const std::string& why) {
  kill(c1, SIGKILL);
  if (c2 > 0) kill(c2, SIGKILL);
  cgroup.kill_all(c1);
  waitpid(c1, nullptr, 0);
  return exec::LaunchError("sandbox (full): " + why);
}

// The job's own wait status, passed on by C2, when the runner did not stop it first.
void take_job_status(int status_fd, exec::RunResult& result) {
  int job_status = 0;
  fcntl(status_fd, F_SETFL, O_NONBLOCK);
  const bool have_status = read_all(status_fd, &job_status, sizeof job_status);
  if (!result.timed_out && have_status) {
    result.exit_code = WIFEXITED(job_status) ? WEXITSTATUS(job_status) : -1;
    result.signal = WIFSIGNALED(job_status) ? WTERMSIG(job_status) : 0;
  } else if (!result.timed_out) {
    result.exit_code = -1;
    result.signal = SIGKILL;  // stopped by the runner (a sampled limit)
  }
}

class FullLauncher : public exec::Launcher {
 public:
  FullLauncher(int slot, uids::SlotIds ids, cgroups::Layout layout,
               std::vector<std::string> extra_read_only)
      : slot_(slot),
        ids_(ids),
        layout_(std::move(layout)),
        extra_read_only_(std::move(extra_read_only)) {
    std::error_code ec;
    fs::create_directories(kNewRoot, ec);
    chmod(kNewRoot, 0755);
    seccomp_ = seccomp::compile({.allow_inet = true, .allow_netlink = true});
  }

  exec::RunResult run(const exec::Command& cmd, exec::Clock::time_point deadline,
                      exec::OutputSink& out) override {
    const auto started = exec::Clock::now();
    child::ExecPlan exec_plan = child::plan_for(cmd, deadline - started);
    exec_plan.seccomp = &seccomp_;
    mounts::Plan mount_plan = plan_mounts(cmd);
    cgroups::JobCgroup cgroup(layout_, cgroups::job_cgroup_name(slot_, getpid(), g_run_counter++),
                              cmd.limits);
    Channels channels;
    const bool new_net = !cmd.limits.network;

    const pid_t c1 = fork();
    if (c1 < 0) throw exec::LaunchError(std::string("fork: ") + std::strerror(errno));
    if (c1 == 0) run_setup(mount_plan, exec_plan, new_net, channels);
    channels.close_child_ends();

    const pid_t c2 = finish_setup(c1, cgroup, channels);
    exec::RunResult result =
        supervise(cmd, exec_plan.limits.cpu_seconds, c1, c2, cgroup, channels, deadline, out);
    result.seconds = std::chrono::duration<double>(exec::Clock::now() - started).count();
    return result;
  }

  void prepare_job(const fs::path& job_root) override {
    uids::chown_tree(job_root, ids_.job, ids_.job);
  }
  void release_job(const fs::path& job_root) override {
    uids::chown_tree(job_root, getuid(), getgid());
  }

  std::string level() const override { return "full"; }
  std::vector<std::string> features(const exec::JobLimits& limits) const override {
    std::vector<std::string> f{"user-ns", "pid-ns", "mount-ns"};
    if (!limits.network) f.push_back("net-ns");  // `network: true` shares the host's
    f.insert(f.end(), {"ipc-ns", "uts-ns", "cgroup-" + layout_.describe(), "seccomp", "rlimits",
                       "no-new-privs", "uid-per-slot"});
    return f;
  }

 private:
  mounts::Plan plan_mounts(const exec::Command& cmd) const {
    const std::int64_t tmp_bytes = std::min<std::int64_t>(cmd.limits.max_disk_bytes, 512LL << 20);
    return mounts::default_plan(kNewRoot, fs::absolute(cmd.job_root).string(), extra_read_only_,
                                tmp_bytes);
  }

  // The runner's side of C1's start: once C1 has unshared, its uid/gid maps are written and it
  // is moved into the cgroups; then C1 may go on. Returns C2's pid; throws LaunchError.
  pid_t finish_setup(pid_t c1, cgroups::JobCgroup& cgroup, Channels& ch) const {
    char ready = 0;
    if (!read_all(ch.from_child.read.get(), &ready, 1)) {
      const std::string failure = exec::child::read_failure(ch.errors.read.get());
      throw abandon(c1, 0, cgroup, failure.empty() ? "the sandbox child died" : failure);
    }
    try {
      namespaces::write_id_maps(c1, ids_.setup, ids_.job);
      cgroup.add(c1);
    } catch (const std::exception& e) {
      throw abandon(c1, 0, cgroup, e.what());
    }
    if (write(ch.to_child.write.get(), &ready, 1) != 1) {
      throw abandon(c1, 0, cgroup, "the sandbox child died");
    }
    pid_t c2 = 0;
    if (!read_all(ch.from_child.read.get(), &c2, sizeof c2)) c2 = 0;
    if (const std::string failure = exec::child::read_failure(ch.errors.read.get());
        !failure.empty()) {
      throw abandon(c1, c2, cgroup, failure);
    }
    return c2;
  }

  // Runs the job to its end (exec::supervise) with the cgroup's CPU time sampled, and fills in
  // how it ended. `seconds` is the caller's.
  static exec::RunResult supervise(const exec::Command& cmd, int cpu_budget, pid_t c1, pid_t c2,
                                   cgroups::JobCgroup& cgroup, Channels& ch,
                                   exec::Clock::time_point deadline, exec::OutputSink& out) {
    SampledLimits limits(
        cmd, cpu_budget,
        [&cgroup] {
          return SampledUsage{cgroup.cpu_usage_ns(), std::nullopt};
        },
        /*watch_memory=*/false);  // the memory cgroup bounds memory
    exec::SuperviseHooks hooks;
    hooks.check = [&] { return limits.check(); };
    hooks.kill_all = [&] {
      if (c2 > 0) kill(c2, SIGKILL);  // pid 1: the whole namespace goes with it
      cgroup.kill_all(c1);
    };
    exec::RunResult result = exec::supervise(c1, ch.output.read.get(), deadline, out, hooks);
    take_job_status(ch.status.read.get(), result);
    limits.report(result, out);
    result.memory_limit_hit = cgroup.oom_killed();
    if (result.memory_limit_hit) {
      out.write("\n[sandbox] memory limit of " + std::to_string(cmd.limits.memory_mb) +
                " MB reached: a process was killed\n");
    }
    return result;
  }

  int slot_;
  uids::SlotIds ids_;
  cgroups::Layout layout_;
  std::vector<std::string> extra_read_only_;
  std::vector<sock_filter> seccomp_;
};

}  // namespace

std::unique_ptr<exec::Launcher> make_full_launcher(int slot, uids::SlotIds ids,
                                                   const cgroups::Layout& layout,
                                                   const std::vector<std::string>& read_only) {
  return std::make_unique<FullLauncher>(slot, ids, layout, read_only);
}

}  // namespace runner::sandbox
