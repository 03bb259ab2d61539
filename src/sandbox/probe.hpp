#pragma once
// What isolation this host can give, found once at start-up.
#include <string>
#include <vector>

#include "sandbox/cgroups.hpp"

namespace runner::sandbox::probe {

struct HostReport {
  bool full = false;
  std::string full_reason;  // why not, when !full
  bool basic = false;
  std::string basic_reason;
  cgroups::Layout cgroups;
  // Job cgroups of runners that are gone, removed at start-up (cgroups::sweep_stale).
  std::vector<std::string> swept_cgroups;
  int landlock_abi = 0;
  bool seccomp = false;
  std::string describe() const;  // one line for the banner and errors
};

// Probes once per process (later calls return the first result).
const HostReport& host();

}  // namespace runner::sandbox::probe
