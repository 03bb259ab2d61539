#pragma once
// Where the runner's own data lives: share/ (the Maven settings and fork wrapper, the Gradle init
// script) and the built test host (runner-testhost.jar and its class-data archive). The build
// fixes both; RUNNER_SHARE_DIR and RUNNER_TESTHOST_DIR move them (an installed image).
#include <filesystem>
#include <string>
#include <vector>

#include "config/environment.hpp"

namespace runner::config {

struct DataDirs {
  std::filesystem::path share;
  std::filesystem::path testhost;
  // What every job may read (the sandbox binds or allows exactly these).
  std::vector<std::string> read_only() const { return {share.string(), testhost.string()}; }
};

// The folders fixed at build time.
DataDirs built_in_data_dirs();
// RUNNER_SHARE_DIR / RUNNER_TESTHOST_DIR of `env` over the built-in folders.
DataDirs data_dirs(const Environment& env);

}  // namespace runner::config
