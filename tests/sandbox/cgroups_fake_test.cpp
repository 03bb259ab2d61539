// The cgroup code driven against a fake cgroupfs tree in a temp dir (no root, no real cgroups):
// what detect() finds on a pure v2 host and on v1, the leaf move v2 needs, the exact files and
// values a job cgroup gets, the errors for a missing or undelegated controller, the start-up
// sweep; and the CPU-time budget and RLIMIT_CPU. The real-kernel counterparts are in
// cgroups_test.cpp (sandbox_tests, as root).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "exec/launcher.hpp"
#include "sandbox/cgroups.hpp"
#include "sandbox/rlimits.hpp"
#include "sandbox/sampled_limits.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class StringSink : public exec::OutputSink {
 public:
  void write(std::string_view bytes) override { text.append(bytes); }
  std::string text;
};

// A pid that was ours and is gone (reaped), so no live process has it for a while.
pid_t dead_pid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

// A child that sleeps until killed, and a thread that reaps it: the fake tree keeps listing its
// pid, so teardown must see it disappear (as it disappears from a real cgroup).
class Sleeper {
 public:
  Sleeper() : pid(fork()) {
    if (pid == 0) {
      for (;;) pause();
    }
    reaper_ = std::thread([this] { waitpid(pid, &status_, 0); });
  }
  ~Sleeper() {
    kill(pid, SIGKILL);
    if (reaper_.joinable()) reaper_.join();
  }
  bool killed_by_sigkill() {
    reaper_.join();
    return WIFSIGNALED(status_) && WTERMSIG(status_) == SIGKILL;
  }
  const pid_t pid;

 private:
  int status_ = 0;
  std::thread reaper_;
};

// A fake host: <tmp>/mountinfo, <tmp>/cgroup (our /proc/self/cgroup) and the cgroupfs tree
// under <tmp>/fs.
class FakeCgroupfs : public ::testing::Test {
 protected:
  fs::path at(const std::string& path) const { return fs / fs::path(path).relative_path(); }
  void file(const std::string& path, const std::string& content) const {
    fs::create_directories(at(path).parent_path());
    util::write_file(at(path), content);
  }
  std::string read(const fs::path& file) const { return util::read_file(file); }
  cgroups::Host host() const { return {tmp / "mountinfo", tmp / "cgroup", fs}; }

  // A pure cgroup v2 host; the runner is in /system.slice/runner.service with `own_controllers`
  // handed down to it.
  void pure_v2(const std::string& root_controllers, const std::string& own_controllers) {
    util::write_file(tmp / "mountinfo",
                     "24 30 0:22 / /sys rw,nosuid - sysfs sysfs rw\n"
                     "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec - cgroup2 cgroup2 "
                     "rw,nsdelegate\n");
    util::write_file(tmp / "cgroup", "0::/system.slice/runner.service\n");
    file("/sys/fs/cgroup/cgroup.controllers", root_controllers + "\n");
    file("/sys/fs/cgroup/cgroup.subtree_control", "memory pids cpu\n");
    file(kOwn + "/cgroup.controllers", own_controllers + "\n");
    file(kOwn + "/cgroup.subtree_control", "");
    file(kOwn + "/cgroup.procs", "4242\n4243\n");
  }

  const std::string kOwn = "/sys/fs/cgroup/system.slice/runner.service";
  testing::TempDir tmp;
  fs::path fs = tmp / "fs";
};

TEST_F(FakeCgroupfs, PureV2MovesTheRunnerIntoALeafAndEnablesTheControllers) {
  pure_v2("cpuset cpu io memory hugetlb pids rdma misc", "cpu io memory pids");
  const auto layout = cgroups::detect(host());
  const fs::path own = at(kOwn);
  ASSERT_TRUE(layout.complete()) << layout.memory.reason;
  for (const auto* c : {&layout.memory, &layout.pids, &layout.cpu, &layout.cpu_quota}) {
    EXPECT_EQ(c->version, 2) << c->name;
    EXPECT_EQ(c->base, own) << c->name;
  }
  EXPECT_EQ(layout.describe(), "memory v2, pids v2, cpu v2");
  // Every process of the runner's cgroup went to the leaf, then the controllers were enabled.
  EXPECT_EQ(layout.v2_leaf, own / "runner");
  EXPECT_EQ(read(own / "runner/cgroup.procs"), "4242\n4243\n");
  EXPECT_EQ(read(own / "cgroup.subtree_control"), "+memory +pids +cpu");
  EXPECT_FALSE(fs::exists(own / ("runner-probe-" + std::to_string(getpid()))));
  EXPECT_EQ(layout.bases(), std::vector<fs::path>{own});

  // A job cgroup is a sibling of the leaf, with the limits written into it.
  exec::JobLimits limits;
  limits.memory_mb = 256;
  limits.max_processes = 64;
  limits.cpus = 1.5;
  const std::string name = cgroups::job_cgroup_name(3, getpid(), 7);
  EXPECT_EQ(name, "runner-s3-" + std::to_string(getpid()) + "-7");
  const fs::path dir = own / name;
  Sleeper child;
  {
    cgroups::JobCgroup job(layout, name, limits);
    ASSERT_EQ(job.dirs(), std::vector<fs::path>{dir});
    EXPECT_EQ(read(dir / "memory.max"), "268435456");
    EXPECT_EQ(read(dir / "memory.swap.max"), "0");
    EXPECT_EQ(read(dir / "pids.max"), "64");
    EXPECT_EQ(read(dir / "cpu.max"), "150000 100000");
    job.add(child.pid);
    EXPECT_EQ(read(dir / "cgroup.procs"), std::to_string(child.pid) + "\n");
    // memory.events' oom_kill is MEMORY_LIMIT; cpu.stat's usage_usec the CPU time.
    EXPECT_FALSE(job.oom_killed());
    util::write_file(dir / "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 0\n");
    EXPECT_FALSE(job.oom_killed());
    util::write_file(dir / "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    EXPECT_TRUE(job.oom_killed());
    util::write_file(dir / "cpu.stat", "usage_usec 1500000\nuser_usec 1000000\n");
    EXPECT_EQ(job.cpu_usage_ns(), 1500000000);
  }
  // Teardown: cgroup.kill, and (a fake cgroup.kill kills nothing) SIGKILL to each member.
  EXPECT_EQ(read(dir / "cgroup.kill"), "1");
  EXPECT_TRUE(child.killed_by_sigkill());
}

TEST_F(FakeCgroupfs, V2WithoutACpuQuotaWritesNoCpuMax) {
  pure_v2("cpu memory pids", "cpu memory pids");
  const auto layout = cgroups::detect(host());
  ASSERT_TRUE(layout.complete());
  { cgroups::JobCgroup job(layout, "runner-s0-1-0", {}); }
  EXPECT_EQ(read(at(kOwn + "/runner-s0-1-0/memory.max")), std::to_string(1024LL << 20));
  EXPECT_EQ(read(at(kOwn + "/runner-s0-1-0/pids.max")), "512");
  EXPECT_FALSE(fs::exists(at(kOwn + "/runner-s0-1-0/cpu.max")));
}

TEST_F(FakeCgroupfs, V2AlreadyInTheLeafUsesItsParent) {
  pure_v2("cpu memory pids", "cpu memory pids");
  util::write_file(tmp / "cgroup", "0::/system.slice/runner.service/runner\n");
  file(kOwn + "/cgroup.subtree_control", "memory pids cpu\n");
  file(kOwn + "/cgroup.procs", "");
  file(kOwn + "/runner/cgroup.procs", "4242\n");
  const auto layout = cgroups::detect(host());
  ASSERT_TRUE(layout.complete()) << layout.memory.reason;
  EXPECT_EQ(layout.memory.base, at(kOwn));
  EXPECT_EQ(layout.v2_leaf, at(kOwn + "/runner"));
  EXPECT_FALSE(fs::exists(at(kOwn + "/runner/runner")));
  EXPECT_EQ(read(at(kOwn + "/cgroup.subtree_control")), "memory pids cpu\n");
}

TEST_F(FakeCgroupfs, V2EnablesOnlyWhatIsMissingAndMovesNothingWhenEmpty) {
  pure_v2("cpu memory pids", "cpu memory pids");
  file(kOwn + "/cgroup.subtree_control", "memory\n");
  file(kOwn + "/cgroup.procs", "");
  const auto layout = cgroups::detect(host());
  ASSERT_TRUE(layout.complete());
  EXPECT_TRUE(layout.v2_leaf.empty());
  EXPECT_FALSE(fs::exists(at(kOwn + "/runner")));
  EXPECT_EQ(read(at(kOwn + "/cgroup.subtree_control")), "+pids +cpu");
}

TEST_F(FakeCgroupfs, V2ControllerNotDelegatedIsReportedAndNothingChanges) {
  pure_v2("cpu memory pids", "cpu pids");
  const auto layout = cgroups::detect(host());
  EXPECT_FALSE(layout.complete());
  EXPECT_EQ(layout.memory.version, 0);
  EXPECT_NE(layout.memory.reason.find("cgroup v2 controller memory is not delegated to " +
                                      at(kOwn).string()),
            std::string::npos)
      << layout.memory.reason;
  EXPECT_NE(layout.memory.reason.find("Delegate=yes"), std::string::npos);
  // All or nothing: no leaf, no controller enabled, no process moved.
  EXPECT_EQ(layout.pids.version, 0);
  EXPECT_FALSE(fs::exists(at(kOwn + "/runner")));
  EXPECT_EQ(read(at(kOwn + "/cgroup.subtree_control")), "");
}

TEST_F(FakeCgroupfs, V2ControllerMissingFromTheHostIsReported) {
  pure_v2("cpu io pids", "cpu io pids");
  const auto layout = cgroups::detect(host());
  EXPECT_EQ(layout.memory.version, 0);
  EXPECT_NE(layout.memory.reason.find("cgroup v2 at " + at("/sys/fs/cgroup").string() +
                                      " has no memory controller"),
            std::string::npos)
      << layout.memory.reason;
  EXPECT_FALSE(fs::exists(at(kOwn + "/runner")));
}

TEST_F(FakeCgroupfs, V2SubtreeControlWriteFailureIsReported) {
  pure_v2("cpu memory pids", "cpu memory pids");
  fs::remove(at(kOwn + "/cgroup.subtree_control"));
  fs::create_directory(at(kOwn + "/cgroup.subtree_control"));  // any write fails (EISDIR)
  const auto layout = cgroups::detect(host());
  EXPECT_EQ(layout.memory.version, 0);
  EXPECT_NE(layout.memory.reason.find("cannot enable +memory +pids +cpu in " + at(kOwn).string() +
                                      "/cgroup.subtree_control: Is a directory"),
            std::string::npos)
      << layout.memory.reason;
}

TEST_F(FakeCgroupfs, V1ControllersInAContainerAreFoundBeneathTheirMountRoots) {
  util::write_file(tmp / "mountinfo",
                   "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                   "39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
                   "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                   "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  util::write_file(tmp / "cgroup",
                   "8:pids:/docker/abc\n4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n0::/\n");
  fs::create_directories(at("/sys/fs/cgroup/memory"));  // the container's own cgroup is the root
  fs::create_directories(at("/sys/fs/cgroup/pids/docker/abc"));
  fs::create_directories(at("/sys/fs/cgroup/cpu,cpuacct/docker/abc"));
  file("/sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
  const auto layout = cgroups::detect(host());
  ASSERT_TRUE(layout.complete()) << layout.memory.reason;
  EXPECT_EQ(layout.describe(), "memory v1, pids v1, cpuacct v1");
  EXPECT_EQ(layout.memory.base, at("/sys/fs/cgroup/memory"));
  EXPECT_EQ(layout.pids.base, at("/sys/fs/cgroup/pids/docker/abc"));
  EXPECT_EQ(layout.cpu.base, at("/sys/fs/cgroup/cpu,cpuacct/docker/abc"));
  EXPECT_EQ(layout.cpu_quota.version, 1);
  EXPECT_EQ(layout.cpu_quota.base, layout.cpu.base);              // co-mounted: one cgroup for both
  EXPECT_FALSE(fs::exists(at("/sys/fs/cgroup/unified/runner")));  // v2 untouched

  exec::JobLimits limits;
  limits.memory_mb = 256;
  limits.max_processes = 64;
  limits.cpus = 0.5;
  Sleeper child;
  {
    cgroups::JobCgroup job(layout, "runner-s0-9-1", limits);
    ASSERT_EQ(job.dirs().size(), 3u);
    const fs::path memory = layout.memory.base / "runner-s0-9-1";
    const fs::path pids = layout.pids.base / "runner-s0-9-1";
    const fs::path cpu = layout.cpu.base / "runner-s0-9-1";
    EXPECT_EQ(read(memory / "memory.limit_in_bytes"), "268435456");
    EXPECT_EQ(read(memory / "memory.swappiness"), "0");
    EXPECT_FALSE(fs::exists(memory / "memory.memsw.limit_in_bytes"));  // no swap accounting
    EXPECT_EQ(read(pids / "pids.max"), "64");
    EXPECT_EQ(read(cpu / "cpu.cfs_period_us"), "100000");
    EXPECT_EQ(read(cpu / "cpu.cfs_quota_us"), "50000");
    job.add(child.pid);
    for (const auto& dir : {memory, pids, cpu}) {
      EXPECT_EQ(read(dir / "cgroup.procs"), std::to_string(child.pid) + "\n") << dir;
    }
    util::write_file(memory / "memory.oom_control",
                     "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    EXPECT_FALSE(job.oom_killed());
    util::write_file(memory / "memory.oom_control",
                     "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    EXPECT_TRUE(job.oom_killed());
    util::write_file(cpu / "cpuacct.usage", "123456789\n");
    EXPECT_EQ(job.cpu_usage_ns(), 123456789);
    EXPECT_FALSE(fs::exists(memory / "cgroup.kill"));  // v1 has none: members are killed
  }
  EXPECT_TRUE(child.killed_by_sigkill());
}

TEST_F(FakeCgroupfs, V1WithSwapAccountingLimitsMemoryPlusSwap) {
  util::write_file(tmp / "mountinfo",
                   "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                   "39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
                   "33 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n");
  util::write_file(tmp / "cgroup", "8:pids:/\n4:memory:/\n2:cpuacct:/\n");
  for (const char* c : {"memory", "pids", "cpuacct"}) {
    fs::create_directories(at(std::string("/sys/fs/cgroup/") + c));
  }
  const auto layout = cgroups::detect(host());
  ASSERT_TRUE(layout.complete());
  EXPECT_EQ(layout.cpu_quota.version, 0);  // no v1 `cpu` hierarchy: no quota
  EXPECT_FALSE(layout.cpu_quota.reason.empty());
  // The kernel makes memory.memsw.limit_in_bytes when swap is accounted; the fake tree cannot,
  // so the job cgroup is made beforehand.
  file("/sys/fs/cgroup/memory/runner-s0-9-2/memory.memsw.limit_in_bytes", "");
  exec::JobLimits limits;
  limits.memory_mb = 300;
  limits.cpus = 1;  // asked for, not available: nothing written, no error
  { cgroups::JobCgroup job(layout, "runner-s0-9-2", limits); }
  EXPECT_EQ(read(at("/sys/fs/cgroup/memory/runner-s0-9-2/memory.memsw.limit_in_bytes")),
            std::to_string(300LL << 20));
  EXPECT_FALSE(fs::exists(at("/sys/fs/cgroup/cpuacct/runner-s0-9-2/cpu.cfs_quota_us")));
}

TEST_F(FakeCgroupfs, NoControllerAnywhereIsReported) {
  util::write_file(tmp / "mountinfo", "24 30 0:22 / /sys rw,nosuid - sysfs sysfs rw\n");
  util::write_file(tmp / "cgroup", "");
  const auto layout = cgroups::detect(host());
  EXPECT_FALSE(layout.complete());
  EXPECT_EQ(layout.describe(), "memory unavailable, pids unavailable, cpuacct unavailable");
  EXPECT_NE(layout.pids.reason.find("no pids controller"), std::string::npos);
}

TEST_F(FakeCgroupfs, SweepRemovesOnlyEmptyCgroupsOfDeadRunners) {
  const fs::path base = at("/sys/fs/cgroup/memory");
  const pid_t dead = dead_pid();
  const pid_t alive = getppid();
  const auto d = std::to_string(dead);
  for (const std::string& name : std::vector<std::string>{
           "runner-s0-" + d + "-3", "runner-s5-" + d + "-0", "runner-probe-" + d,
           "runner-s0-" + std::to_string(alive) + "-1",
           "runner-s0-" + std::to_string(getpid()) + "-2", "runner-s0-" + d + "-4",
           "runner-s0-" + d + "-5", "runner-sandbox-tests-" + d, "runner-s0-x-1", "other"}) {
    fs::create_directories(base / name);
  }
  util::write_file(base / ("runner-s0-" + d + "-4/cgroup.procs"), "77\n");  // has a process
  fs::create_directories(base / ("runner-s0-" + d + "-5/child"));           // has a child cgroup
  const auto removed = cgroups::sweep_stale({base});
  EXPECT_EQ(removed.size(), 3u);
  EXPECT_FALSE(fs::exists(base / ("runner-s0-" + d + "-3")));
  EXPECT_FALSE(fs::exists(base / ("runner-s5-" + d + "-0")));
  EXPECT_FALSE(fs::exists(base / ("runner-probe-" + d)));
  for (const std::string& kept : std::vector<std::string>{
           "runner-s0-" + std::to_string(alive) + "-1",
           "runner-s0-" + std::to_string(getpid()) + "-2", "runner-s0-" + d + "-4",
           "runner-s0-" + d + "-5", "runner-sandbox-tests-" + d, "runner-s0-x-1", "other"}) {
    EXPECT_TRUE(fs::exists(base / kept)) << kept;
  }
}

// --- CPU time ------------------------------------------------------------------------------

TEST(CpuBudget, ExplicitSecondsWin) {
  exec::JobLimits limits;
  limits.cpu_seconds = 7;
  EXPECT_EQ(rlimits::cpu_seconds(limits, 100s, 4), 7);
}

TEST(CpuBudget, DerivedFromTheTimeLeftOnEveryUsableCpu) {
  exec::JobLimits limits;
  EXPECT_EQ(rlimits::cpu_seconds(limits, 120s, 2), 240);
  EXPECT_EQ(rlimits::cpu_seconds(limits, 2500ms, 2), 5);
  EXPECT_EQ(rlimits::cpu_seconds(limits, 2400ms, 1), 3);  // rounded up
  EXPECT_EQ(rlimits::cpu_seconds(limits, 0s, 8), 1);      // never 0 (0 would mean unlimited)
  EXPECT_EQ(rlimits::cpu_seconds(limits, -5s, 8), 1);
  limits.cpus = 0.5;  // a quota below the CPU count bounds it
  EXPECT_EQ(rlimits::cpu_seconds(limits, 120s, 2), 60);
  limits.cpus = 16;
  EXPECT_EQ(rlimits::cpu_seconds(limits, 120s, 2), 240);
  EXPECT_GE(rlimits::usable_cpus(), 1);
}

// RLIMIT_CPU as the job's processes get it: a busy loop is killed by the kernel.
TEST(CpuRlimit, ABusyProcessIsKilledWithSigxcpu) {
  exec::JobLimits limits;
  limits.cpu_seconds = 1;
  const pid_t pid = fork();
  if (pid == 0) {
    if (!rlimits::apply(limits, false)) _exit(2);
    const auto end = std::chrono::steady_clock::now() + 8s;
    volatile unsigned long spin = 0;
    while (std::chrono::steady_clock::now() < end) spin = spin + 1;
    _exit(0);  // reached only without the limit
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << WEXITSTATUS(status);
  EXPECT_TRUE(WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL) << WTERMSIG(status);
}

TEST(CpuRlimit, AJobFirstProcessKilledBySigxcpuIsTheCpuLimit) {
  exec::Command cmd;
  cmd.limits.cpu_seconds = 0;
  SampledLimits limits(
      cmd, 42, [] { return SampledUsage{}; }, false);
  exec::RunResult result;
  result.signal = SIGXCPU;
  StringSink out;
  limits.report(result, out);
  EXPECT_TRUE(result.timed_out);
  EXPECT_NE(out.text.find("CPU time limit of 42 s exceeded"), std::string::npos) << out.text;
  // Any other signal is not.
  exec::RunResult killed;
  killed.signal = SIGKILL;
  StringSink out2;
  limits.report(killed, out2);
  EXPECT_FALSE(killed.timed_out);
  EXPECT_EQ(out2.text, "");
}

}  // namespace
}  // namespace runner::sandbox
