// Choosing a level: the probe, `auto`, explicit levels, and the pieces each level is made of.
#include "sandbox/select.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "sandbox/cgroups.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/probe.hpp"
#include "sandbox/seccomp.hpp"

namespace runner::sandbox {
namespace {

TEST(Probe, DescribesTheHost) {
  const auto& host = probe::host();
  const std::string text = host.describe();
  EXPECT_NE(text.find("full: "), std::string::npos);
  EXPECT_NE(text.find("basic: "), std::string::npos);
  std::cout << "[probe] " << text << "\n";
}

TEST(Select, AutoPicksTheStrongestLevelAndNeverNone) {
  const auto& host = probe::host();
  if (!host.full && !host.basic) {
    EXPECT_THROW(select_launcher(sandbox::Level::Auto, 0), SandboxUnavailable);
    return;
  }
  const auto s = select_launcher(sandbox::Level::Auto, 0);
  EXPECT_EQ(s.launcher->level(), host.full ? "full" : "basic");
  EXPECT_NE(s.description.find("auto -> " + s.launcher->level()), std::string::npos)
      << s.description;
  EXPECT_NE(s.description.find("seccomp"), std::string::npos) << s.description;
}

TEST(Select, ExplicitLevelsMatchTheProbe) {
  const auto& host = probe::host();
  if (host.full) {
    EXPECT_EQ(select_launcher(sandbox::Level::Full, 0).launcher->level(), "full");
  } else {
    EXPECT_THROW(select_launcher(sandbox::Level::Full, 0), SandboxUnavailable);
  }
  if (host.basic) {
    EXPECT_EQ(select_launcher(sandbox::Level::Basic, 0).launcher->level(), "basic");
  } else {
    EXPECT_THROW(select_launcher(sandbox::Level::Basic, 0), SandboxUnavailable);
  }
  EXPECT_EQ(select_launcher(sandbox::Level::None, 0).launcher->level(), "none");
}

// The verdict's sandbox block says what the job ran under: a PIT with `network: true` shares the
// host's network, so `full` does not claim a network namespace for it.
TEST(Select, FeaturesAreThoseOfTheRun) {
  if (!probe::host().full) GTEST_SKIP() << probe::host().full_reason;
  const auto launcher = select_launcher(sandbox::Level::Full, 0).launcher;
  const auto has = [](const std::vector<std::string>& features, const std::string& f) {
    return std::find(features.begin(), features.end(), f) != features.end();
  };
  exec::JobLimits networked;
  networked.network = true;
  EXPECT_TRUE(has(launcher->features({}), "net-ns"));
  EXPECT_FALSE(has(launcher->features(networked), "net-ns"));
  EXPECT_TRUE(has(launcher->features(networked), "pid-ns"));
}

TEST(Seccomp, CompilesBothPolicies) {
  EXPECT_GT(seccomp::compile({}).size(), 50u);
  EXPECT_GT(seccomp::compile({.allow_inet = true, .allow_netlink = true}).size(), 50u);
}

TEST(Cgroups, DetectsAControllerForEachLimitOrSaysWhy) {
  const auto layout = cgroups::detect();
  for (const auto* c : {&layout.memory, &layout.pids, &layout.cpu}) {
    EXPECT_TRUE(c->version == 1 || c->version == 2 || !c->reason.empty()) << c->name;
  }
}

TEST(Landlock, ReportsItsAbi) {
  EXPECT_GE(landlock::abi_version(), 0);
}

}  // namespace
}  // namespace runner::sandbox
