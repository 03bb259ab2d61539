#pragma once
// Where the runner's data files live (Maven settings, the Surefire fork wrapper, the Gradle init
// script): $RUNNER_SHARE_DIR when set (installed layouts), else the folder fixed at build time.
#include <filesystem>

namespace runner::config {

std::filesystem::path share_dir();

// Where the test host lives (runner-testhost.jar and its class-data archive, both built, not
// sources): $RUNNER_TESTHOST_DIR when set, else the folder fixed at build time.
std::filesystem::path testhost_dir();

}  // namespace runner::config
