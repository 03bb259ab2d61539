#pragma once
// Tests that need a sandbox level skip when the host lacks it, unless RUNNER_REQUIRE_SANDBOX
// (full or basic) says the host must give it: then the skip is a failure with the probe's
// reason. `full` requires both levels, `basic` only `basic` (README, "Development").
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace runner::testing {

struct SandboxLevelCheck {
  enum class Outcome { Run, Skip, Fail } outcome = Outcome::Run;
  std::string message;  // why not Run
};

// For `level` ("full" or "basic"): Run when the host gives it, else Skip, or Fail when
// RUNNER_REQUIRE_SANDBOX requires it (or holds a value other than full or basic).
SandboxLevelCheck check_sandbox_level(std::string_view level);

}  // namespace runner::testing

// Skips (or fails, see above) the current test unless the host gives `level`. For a test body or
// a fixture's SetUp (it returns from the function).
#define RUNNER_SKIP_UNLESS_SANDBOX(level)                                                     \
  do {                                                                                        \
    const auto runner_level_check_ = ::runner::testing::check_sandbox_level(level);           \
    if (runner_level_check_.outcome == ::runner::testing::SandboxLevelCheck::Outcome::Fail) { \
      GTEST_FAIL() << runner_level_check_.message;                                            \
    }                                                                                         \
    if (runner_level_check_.outcome == ::runner::testing::SandboxLevelCheck::Outcome::Skip) { \
      GTEST_SKIP() << runner_level_check_.message;                                            \
    }                                                                                         \
  } while (false)
