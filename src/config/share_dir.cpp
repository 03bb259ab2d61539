#include "config/share_dir.hpp"

#include "util/text.hpp"

#if !defined(RUNNER_SHARE_DIR) || !defined(RUNNER_TESTHOST_DIR)
#error "RUNNER_SHARE_DIR and RUNNER_TESTHOST_DIR must be defined by the build"
#endif

namespace runner::config {

DataDirs built_in_data_dirs() {
  return {RUNNER_SHARE_DIR, RUNNER_TESTHOST_DIR};
}

DataDirs data_dirs(const Environment& env) {
  DataDirs dirs = built_in_data_dirs();
  if (auto dir = util::value_of(env, "RUNNER_SHARE_DIR"); !dir.empty()) dirs.share = dir;
  if (auto dir = util::value_of(env, "RUNNER_TESTHOST_DIR"); !dir.empty()) dirs.testhost = dir;
  return dirs;
}

}  // namespace runner::config
