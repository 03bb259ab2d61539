#include "config/share_dir.hpp"

#include <cstdlib>

#ifndef RUNNER_SHARE_DIR
#error "RUNNER_SHARE_DIR must be defined by the build"
#endif

namespace runner::config {

std::filesystem::path share_dir() {
  if (const char* dir = std::getenv("RUNNER_SHARE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return RUNNER_SHARE_DIR;
}

}  // namespace runner::config
