// Two runners on one host: each owns the uids from its RUNNER_UID_BASE, so the end-of-job kill of
// one (kill(-1) as its slot uid, every process of that uid) cannot reach the other's job. With
// one base for both (two runners left at the default) it does: the control test shows what the
// configuration guards against, and that the first test would notice.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "exec/launcher.hpp"
#include "sandbox/probe.hpp"
#include "sandbox/select.hpp"
#include "sandbox/uids.hpp"
#include "support/sandbox_level.hpp"
#include "support/zip_builder.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uid_t kOtherBase = 210000;  // a second runner's range, beside the default one

class TextSink : public exec::OutputSink {
 public:
  void write(std::string_view bytes) override { text.append(bytes); }
  std::string text;
};

sandbox::Level level_of(const std::string& name) {
  return name == "full" ? sandbox::Level::Full : sandbox::Level::Basic;
}

// One runner's slot 0: its launcher and a job folder prepared for it.
struct Runner {
  Runner(sandbox::Level level, uid_t base) : launcher(select_launcher(level, 0, base).launcher) {
    for (const char* dir : {"project", "home", "tmp"}) fs::create_directories(tmp / dir);
    launcher->prepare_job(tmp.path());
  }
  ~Runner() { launcher->release_job(tmp.path()); }
  exec::RunResult sh(const std::string& script, TextSink& out) {
    exec::Command cmd{{"sh", "-c", script},
                      tmp / "project",
                      {"PATH=/usr/bin:/bin", "HOME=" + (tmp / "home").string(),
                       "TMPDIR=" + (tmp / "tmp").string()},
                      tmp.path(),
                      {}};
    return launcher->run(cmd, exec::Clock::now() + 30s, out);
  }
  testing::TempDir tmp;
  std::unique_ptr<exec::Launcher> launcher;
};

struct Outcome {
  bool victim_ok = false, killer_ok = false;
  std::string victim_out, killer_out;
};

// Runs a 3 s job on `victim`; once it runs, `killer` (`basic`: the level whose end-of-job kill
// goes by uid) runs a job and releases it.
Outcome victim_after_the_other_runner_ends_a_job(Runner& victim, uid_t victim_uid, Runner& killer) {
  TextSink victim_out;
  exec::RunResult victim_result;
  std::thread job([&] { victim_result = victim.sh("sleep 3; echo survived", victim_out); });
  const auto give_up = exec::Clock::now() + 10s;
  while (uids::processes_of(victim_uid).empty() && exec::Clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(300ms);  // the job's sleep has started
  const bool started = !uids::processes_of(victim_uid).empty();
  TextSink killer_out;
  const auto r = killer.sh("echo done", killer_out);
  killer.launcher->release_job(killer.tmp.path());  // the end-of-job kill, by uid
  job.join();
  EXPECT_TRUE(started) << "the victim's job never ran as uid " << victim_uid;
  return {victim_result.ok(), r.ok(), victim_out.text, killer_out.text};
}

class TwoRunners : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    RUNNER_SKIP_UNLESS_SANDBOX(GetParam());
    RUNNER_SKIP_UNLESS_SANDBOX("basic");  // the other runner is at `basic`
  }
};

TEST_P(TwoRunners, TheEndOfJobKillOfOneLeavesTheOthersJobAlone) {
  Runner victim(level_of(GetParam()), uids::kDefaultBase);
  Runner killer(sandbox::Level::Basic, kOtherBase);
  EXPECT_NE(uids::job_uid(0, kOtherBase), uids::job_uid(0));
  const auto o = victim_after_the_other_runner_ends_a_job(victim, uids::job_uid(0), killer);
  EXPECT_TRUE(o.killer_ok) << o.killer_out;
  EXPECT_TRUE(o.victim_ok) << o.victim_out;
  EXPECT_NE(o.victim_out.find("survived"), std::string::npos) << o.victim_out;
  EXPECT_TRUE(uids::processes_of(uids::job_uid(0, kOtherBase)).empty());
}

// The control: both runners with the same base. The other runner's kill reaches this job. (The
// two runners share this process and one uid, so either may also reap the other's process and
// lose its exit status: the killer's own result is not checked, and a lost status reads as a
// failure, never as a clean exit.)
TEST_P(TwoRunners, WithOneBaseTheOtherRunnersKillReachesTheJob) {
  Runner victim(level_of(GetParam()), kOtherBase);
  Runner killer(sandbox::Level::Basic, kOtherBase);
  const auto o =
      victim_after_the_other_runner_ends_a_job(victim, uids::job_uid(0, kOtherBase), killer);
  EXPECT_FALSE(o.victim_ok) << o.victim_out;
  EXPECT_EQ(o.victim_out.find("survived"), std::string::npos) << o.victim_out;
}

// `full` maps the slot's job uid and setup uid from the base: the job sees itself as uid 1000,
// the host sees its processes as base + slot.
TEST(UidBase, SlotUidsComeFromTheBase) {
  EXPECT_EQ(uids::job_uid(0), 200000u);
  EXPECT_EQ(uids::job_uid(3, kOtherBase), kOtherBase + 3);
  EXPECT_EQ(uids::setup_uid(3, kOtherBase), kOtherBase + uids::kMaxSlots + 3);
  EXPECT_TRUE(uids::in_range(kOtherBase, kOtherBase + uids::kRangeSize - 1));
  EXPECT_FALSE(uids::in_range(kOtherBase, kOtherBase + uids::kRangeSize));
  EXPECT_FALSE(uids::in_range(kOtherBase, kOtherBase - 1));
  EXPECT_THROW(uids::slot_ids(kOtherBase, uids::kMaxSlots), std::invalid_argument);
  EXPECT_THROW(uids::slot_ids(kOtherBase, -1), std::invalid_argument);
}

TEST(UidBase, ARangeHoldingTheRunnersOwnUidIsRefused) {
  RUNNER_SKIP_UNLESS_SANDBOX("basic");
  // A base equal to this process's uid makes the runner's uid a slot uid.
  try {
    select_launcher(sandbox::Level::Basic, 0, getuid());
    ADD_FAILURE() << "a range holding the runner's uid was accepted";
  } catch (const SandboxUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("the runner's own uid"), std::string::npos) << e.what();
  }
}

TEST_P(TwoRunners, TheJobRunsAsTheUidOfItsBase) {
  Runner runner(level_of(GetParam()), kOtherBase);
  TextSink out;
  // `full`: 1000 inside the namespace; the host sees base + 0 (below).
  std::atomic<bool> seen{false};
  std::thread watch([&] {
    const auto give_up = exec::Clock::now() + 10s;
    while (!seen && exec::Clock::now() < give_up) {
      if (!uids::processes_of(kOtherBase).empty()) seen = true;
      std::this_thread::sleep_for(10ms);
    }
  });
  const auto r = runner.sh("id -u; sleep 1", out);
  watch.join();
  EXPECT_TRUE(r.ok()) << out.text;
  EXPECT_TRUE(seen) << "no process of uid " << kOtherBase << " while the job ran";
  EXPECT_EQ(out.text, GetParam() == "full" ? "1000\n" : std::to_string(kOtherBase) + "\n");
  EXPECT_TRUE(uids::processes_of(uids::job_uid(0)).empty());
}

std::string level_name(const ::testing::TestParamInfo<std::string>& param) {
  return param.param;
}

INSTANTIATE_TEST_SUITE_P(VictimLevels, TwoRunners, ::testing::Values("full", "basic"), level_name);

}  // namespace
}  // namespace runner::sandbox
