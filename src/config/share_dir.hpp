#pragma once
// Where the runner's data files live (Maven settings, the Surefire fork wrapper, the Gradle init
// script): $RUNNER_SHARE_DIR when set (installed layouts), else the folder fixed at build time.
#include <filesystem>

namespace runner::config {

std::filesystem::path share_dir();

}  // namespace runner::config
