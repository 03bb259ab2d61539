// The cgroup code against the real kernel (root). This host binds memory, pids and cpu to cgroup
// v1, so `full` runs on v1; its cgroup2 mount has only controllers v1 does not bind (hugetlb),
// which is enough to exercise the v2 mechanics for real: the "no internal processes" rule, the
// leaf move, enabling a controller for job cgroups, cgroup.kill and the sweep. memory.max,
// pids.max, cpu.max and memory.events are covered against a fake tree (cgroups_fake_test.cpp).
#include "sandbox/cgroups.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <vector>

#include "sandbox/probe.hpp"
#include "support/sandbox_level.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;

// 0 or errno, like a shell's `echo value > file`.
int write_raw(const fs::path& file, const std::string& value) {
  const int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const ssize_t n = write(fd, value.data(), value.size());
  const int err = n < 0 ? errno : 0;
  close(fd);
  return err;
}

pid_t dead_pid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

pid_t sleeper() {
  const pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  return pid;
}

bool killed_by_sigkill(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

fs::path cgroup2_mount() {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
    return util::split(line.substr(0, dash), ' ').at(4);
  }
  return {};
}

// A v2 controller this host offers that no v1 hierarchy binds ("hugetlb" here).
std::string free_v2_controller(const fs::path& mount) {
  std::istringstream words(util::read_file(mount / "cgroup.controllers"));
  for (std::string w; words >> w;) {
    if (w == "hugetlb" || w == "misc" || w == "rdma") return w;
  }
  return {};
}

TEST(CgroupV2Real, TheRunnerMovesToALeafSoJobCgroupsGetTheController) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  const fs::path mount = cgroup2_mount();
  if (mount.empty()) GTEST_SKIP() << "no cgroup2 mount";
  const std::string controller = free_v2_controller(mount);
  if (controller.empty()) GTEST_SKIP() << "cgroup v2 offers no controller to try on this host";
  // Undone however the test ends: processes killed, cgroups removed (children first), the
  // controller disabled again at the root if we enabled it.
  struct Cleanup {
    std::vector<fs::path> dirs;
    std::vector<pid_t> pids;
    std::function<void()> last;
    ~Cleanup() {
      for (pid_t p : pids) {
        kill(p, SIGKILL);
        waitpid(p, nullptr, 0);
      }
      for (int i = 0; i < 50; ++i) {
        bool all = true;
        for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
          all &= rmdir(it->c_str()) == 0 || errno == ENOENT;
        }
        if (all) break;
        usleep(20000);
      }
      if (last) last();
    }
  } cleanup;
  // Our test cgroup must get the controller from the hierarchy's root (exempt from the rule).
  const bool enabled_at_root =
      util::read_file(mount / "cgroup.subtree_control").find(controller) != std::string::npos;
  if (!enabled_at_root) {
    cleanup.last = [&] { write_raw(mount / "cgroup.subtree_control", "-" + controller); };
    ASSERT_EQ(write_raw(mount / "cgroup.subtree_control", "+" + controller), 0);
  }
  const fs::path own = mount / ("runner-v2-test-" + std::to_string(getpid()));
  cleanup.dirs = {own, own / cgroups::kRunnerLeaf};
  ASSERT_TRUE(fs::create_directory(own));
  // The "runner": two processes in `own`.
  const pid_t a = sleeper(), b = sleeper();
  cleanup.pids = {a, b};
  ASSERT_EQ(write_raw(own / "cgroup.procs", std::to_string(a)), 0);
  ASSERT_EQ(write_raw(own / "cgroup.procs", std::to_string(b)), 0);

  // The kernel's rule, for real: a cgroup with processes cannot enable controllers for children.
  EXPECT_EQ(write_raw(own / "cgroup.subtree_control", "+" + controller), EBUSY);

  const auto setup = cgroups::prepare_v2(mount, own, {controller});
  ASSERT_EQ(setup.error, "");
  EXPECT_EQ(setup.base, own);
  EXPECT_EQ(setup.leaf, own / "runner");
  EXPECT_EQ(util::read_file(own / "cgroup.procs"), "");
  std::istringstream leaf_procs(util::read_file(own / "runner/cgroup.procs"));
  std::set<pid_t> moved;
  for (pid_t p; leaf_procs >> p;) moved.insert(p);
  EXPECT_EQ(moved, (std::set<pid_t>{a, b}));
  EXPECT_NE(util::read_file("/proc/" + std::to_string(a) + "/cgroup")
                .find("0::/" + own.filename().string() + "/runner\n"),
            std::string::npos);
  EXPECT_EQ(util::read_file(own / "cgroup.subtree_control"), controller + "\n");
  // Again, from inside the leaf (a second detect in the same runner): the same base, no nesting.
  const auto again = cgroups::prepare_v2(mount, own / "runner", {controller});
  EXPECT_EQ(again.error, "");
  EXPECT_EQ(again.base, own);
  EXPECT_FALSE(fs::exists(own / "runner/runner"));

  // A job cgroup, sibling of the leaf, has the controller; cgroup.kill empties it.
  const fs::path job = own / cgroups::job_cgroup_name(0, getpid(), 0);
  ASSERT_TRUE(fs::create_directory(job));
  cleanup.dirs.push_back(job);
  EXPECT_EQ(util::read_file(job / "cgroup.controllers"), controller + "\n");
  ASSERT_EQ(write_raw(job / "cgroup.procs", std::to_string(a)), 0);
  cgroups::kill_members(job, 2);
  EXPECT_TRUE(killed_by_sigkill(a));
  cleanup.pids = {b};  // `a` is reaped: its pid may be someone else's now
  EXPECT_EQ(util::read_file(job / "cgroup.procs"), "");

  // The sweep, on v2: a dead owner's empty job cgroup goes; ours, and the leaf, stay.
  const fs::path stale = own / cgroups::job_cgroup_name(1, dead_pid(), 4);
  ASSERT_TRUE(fs::create_directory(stale));
  cleanup.dirs.push_back(stale);
  EXPECT_EQ(cgroups::sweep_stale({own}), std::vector<fs::path>{stale});
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(job));
  EXPECT_TRUE(fs::exists(own / "runner"));
}

TEST(CgroupV2Real, AControllerNotDelegatedIsReportedWithoutMovingAnything) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  const fs::path mount = cgroup2_mount();
  if (mount.empty()) GTEST_SKIP() << "no cgroup2 mount";
  const fs::path own = mount / ("runner-v2-nodelegate-" + std::to_string(getpid()));
  ASSERT_TRUE(fs::create_directory(own));
  const pid_t a = sleeper();
  ASSERT_EQ(write_raw(own / "cgroup.procs", std::to_string(a)), 0);
  // memory is bound to v1 here, so v2 does not have it at all.
  const auto setup = cgroups::prepare_v2(mount, own, {"memory"});
  EXPECT_TRUE(setup.base.empty());
  EXPECT_NE(setup.error.find("has no memory controller"), std::string::npos) << setup.error;
  EXPECT_FALSE(fs::exists(own / "runner"));
  EXPECT_EQ(util::read_file(own / "cgroup.procs"), std::to_string(a) + "\n");
  kill(a, SIGKILL);
  waitpid(a, nullptr, 0);
  for (int i = 0; i < 50 && rmdir(own.c_str()) != 0; ++i) usleep(20000);
}

// The sweep on the hierarchies `full` uses here (v1): only empty cgroups of dead runners go.
TEST(CgroupSweep, RemovesOnlyEmptyJobCgroupsOfDeadRunners) {
  RUNNER_SKIP_UNLESS_SANDBOX("full");
  const auto& host = probe::host();
  const auto bases = host.cgroups.bases();
  const pid_t dead = dead_pid();
  const pid_t busy = sleeper();
  std::vector<fs::path> stale, live, occupied;
  for (const auto& base : bases) {
    stale.push_back(base / cgroups::job_cgroup_name(0, dead, 1));
    live.push_back(base / cgroups::job_cgroup_name(0, getppid(), 1));  // owner alive
    occupied.push_back(base / cgroups::job_cgroup_name(0, dead, 2));   // a process inside
    for (const auto* d : {&stale.back(), &live.back(), &occupied.back()}) {
      ASSERT_TRUE(fs::create_directory(*d)) << *d;
    }
    ASSERT_EQ(write_raw(occupied.back() / "cgroup.procs", std::to_string(busy)), 0);
  }
  const auto removed = cgroups::sweep_stale(bases);
  EXPECT_EQ(removed, stale);
  for (const auto& d : stale) EXPECT_FALSE(fs::exists(d)) << d;
  for (const auto& d : live) EXPECT_TRUE(fs::exists(d)) << d;
  for (const auto& d : occupied) EXPECT_TRUE(fs::exists(d)) << d;
  kill(busy, SIGKILL);
  waitpid(busy, nullptr, 0);
  for (const auto& list : {live, occupied}) {
    for (const auto& d : list) {
      for (int i = 0; i < 50 && rmdir(d.c_str()) != 0; ++i) usleep(20000);
    }
  }
}

// At start-up: a fresh process (sandbox-probe, in this process's cgroups) sweeps what a killed
// runner left, and leaves a live runner's cgroups alone.
TEST(CgroupSweep, AStartingRunnerRemovesWhatAKilledOneLeft) {
  RUNNER_SKIP_UNLESS_SANDBOX("full");
  const auto& host = probe::host();
  // A "runner" that makes a job cgroup and is killed -9 before it can remove it.
  const auto bases = host.cgroups.bases();
  const pid_t killed = fork();
  if (killed == 0) {
    for (const auto& base : bases) {
      fs::create_directory(base / cgroups::job_cgroup_name(0, getpid(), 0));
    }
    raise(SIGKILL);
  }
  waitpid(killed, nullptr, 0);
  std::vector<fs::path> left, ours;
  for (const auto& base : bases) {
    left.push_back(base / cgroups::job_cgroup_name(0, killed, 0));
    ours.push_back(base / cgroups::job_cgroup_name(0, getpid(), 99));
    ASSERT_TRUE(fs::exists(left.back()));
    ASSERT_TRUE(fs::create_directory(ours.back()));
  }
  FILE* probe = popen(RUNNER_SANDBOX_PROBE " --report", "r");
  ASSERT_NE(probe, nullptr);
  std::string report;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, probe) != nullptr) report += buffer;
  EXPECT_EQ(pclose(probe), 0);
  EXPECT_NE(report.find("stale job cgroup(s)"), std::string::npos) << report;
  for (const auto& d : left) {
    EXPECT_FALSE(fs::exists(d)) << d;
    rmdir(d.c_str());  // when the sweep failed: the outer cgroup must be removable at exit
  }
  for (const auto& d : ours) {
    EXPECT_TRUE(fs::exists(d)) << d;
    rmdir(d.c_str());
  }
}

}  // namespace
}  // namespace runner::sandbox
