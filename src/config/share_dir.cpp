#include "config/share_dir.hpp"

#if !defined(RUNNER_SHARE_DIR) || !defined(RUNNER_TESTHOST_DIR)
#error "RUNNER_SHARE_DIR and RUNNER_TESTHOST_DIR must be defined by the build"
#endif

namespace runner::config {

DataDirs built_in_data_dirs() {
  return {RUNNER_SHARE_DIR, RUNNER_TESTHOST_DIR};
}

DataDirs data_dirs(const Environment& env) {
  DataDirs dirs = built_in_data_dirs();
  const auto set = [&env](const char* name) {
    auto it = env.find(name);
    return it != env.end() && !it->second.empty() ? it->second : std::string();
  };
  if (auto dir = set("RUNNER_SHARE_DIR"); !dir.empty()) dirs.share = dir;
  if (auto dir = set("RUNNER_TESTHOST_DIR"); !dir.empty()) dirs.testhost = dir;
  return dirs;
}

}  // namespace runner::config
