#pragma once
// Choosing the launcher for RUNNER_SANDBOX (docs/sandbox.md): `auto` probes the host
// once and picks the strongest of `full` and `basic` (never `none`); a level the host cannot give
// fails with the reason.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "exec/launcher.hpp"
#include "sandbox/level.hpp"
#include "sandbox/uids.hpp"

namespace runner::sandbox {

class SandboxUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Selection {
  std::unique_ptr<exec::Launcher> launcher;
  std::string description;  // for the banner: level, features, warnings
};

// Throws SandboxUnavailable, with the reason, for a level this host or build cannot provide.
// `slot` numbers the concurrent jobs of one runner (0 .. RUNNER_CONCURRENCY-1): each slot gets
// its own launcher, and levels that need per-job resources (a uid, a cgroup) key them on it.
// `uid_base` (RUNNER_UID_BASE) is the first of the runner's slot uids (uids::slot_ids); a range
// holding the runner's own uid is refused.
// `runner_data` are the folders every job may read (the Maven settings, the test host:
// config::DataDirs::read_only()).
Selection select_launcher(Level requested, int slot = 0, uid_t uid_base = uids::kDefaultBase,
                          const std::vector<std::string>& runner_data = {});

}  // namespace runner::sandbox
