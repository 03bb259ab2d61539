#include "config/share_dir.hpp"

#include <cstdlib>

#if !defined(RUNNER_SHARE_DIR) || !defined(RUNNER_TESTHOST_DIR)
#error "RUNNER_SHARE_DIR and RUNNER_TESTHOST_DIR must be defined by the build"
#endif

namespace runner::config {

std::filesystem::path share_dir() {
  if (const char* dir = std::getenv("RUNNER_SHARE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return RUNNER_SHARE_DIR;
}

std::filesystem::path testhost_dir() {
  if (const char* dir = std::getenv("RUNNER_TESTHOST_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return RUNNER_TESTHOST_DIR;
}

}  // namespace runner::config
