// Naming job cgroups so that those of a runner killed mid-run can be told apart, and removing
// them at the next start.
#include <unistd.h>

#include "sandbox/cgroups.hpp"
#include "sandbox/cgroups_files.hpp"
#include "util/text.hpp"

namespace runner::sandbox::cgroups {
namespace {

namespace fs = std::filesystem;

// The owner pid of a name we make: runner-s<slot>-<pid>-<n> or runner-probe-<pid>; 0 otherwise.
pid_t owner_of(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t owner = 0;
  if (name.starts_with("runner-s")) {
    parts = util::split(name.substr(8), '-');
    owner = 1;
    if (parts.size() != 3) return 0;
  } else if (name.starts_with("runner-probe-")) {
    parts = {name.substr(13)};
  } else {
    return 0;
  }
  for (const auto& p : parts) {
    if (!util::parse_int(p, 0, 1LL << 32)) return 0;
  }
  return static_cast<pid_t>(util::parse_int(parts[owner], 1, (1LL << 31) - 1).value_or(0));
}

bool has_child_cgroup(const fs::path& dir) {
  bool has_child = false;
  std::error_code ec;
  for (const auto& sub : fs::directory_iterator(dir, ec)) has_child |= sub.is_directory();
  return has_child;
}

}  // namespace

std::string job_cgroup_name(int slot, pid_t owner, unsigned n) {
  return "runner-s" + std::to_string(slot) + "-" + std::to_string(owner) + "-" + std::to_string(n);
}

std::vector<fs::path> sweep_stale(const std::vector<fs::path>& bases) {
  std::vector<fs::path> removed;
  for (const auto& base : bases) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(base, ec)) {
      if (!entry.is_directory() || entry.is_symlink()) continue;
      const fs::path dir = entry.path();
      const pid_t owner = owner_of(dir.filename().string());
      if (owner <= 0 || owner == getpid() || files::exists(owner)) continue;
      if (!files::read_pids(dir / "cgroup.procs").empty()) continue;  // not ours to empty
      if (has_child_cgroup(dir)) continue;
      // cgroupfs removes an empty cgroup with its control files.
      if (rmdir(dir.c_str()) == 0) removed.push_back(dir);
    }
  }
  return removed;
}

}  // namespace runner::sandbox::cgroups
