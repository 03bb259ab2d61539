#include "sandbox/probe.hpp"

#include <unistd.h>

#include <mutex>

#include "sandbox/capabilities.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/namespaces.hpp"
#include "sandbox/seccomp.hpp"

namespace runner::sandbox::probe {
namespace {

HostReport run_probe() {
  HostReport r;
  r.seccomp = seccomp::available();
  r.landlock_abi = landlock::abi_version();
  const bool root = geteuid() == 0;
  // basic: the runner must be able to become the slot uids: as root, or as a non-root user with
  // the capabilities for it (a container's user, with file capabilities on the binary).
  const auto missing = capabilities::missing_for_basic();
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    r.basic_reason =
        "the runner is not root and lacks " + names + ", so it cannot run jobs as their own uid";
  } else if (!r.seccomp) {
    r.basic_reason = "seccomp filters are not available";
  } else {
    r.basic = true;
  }
  // full: namespaces, cgroups and the same identity needs.
  std::string ns_reason;
  r.cgroups = cgroups::detect();
  // A runner killed mid-run leaves its job cgroups behind: remove those of dead runners.
  for (const auto& dir : cgroups::sweep_stale(r.cgroups.bases())) r.swept_cgroups.push_back(dir);
  if (!root) {
    r.full_reason = "the runner is not root (it maps the job's uids and moves it into cgroups)";
  } else if (!r.seccomp) {
    r.full_reason = "seccomp filters are not available";
  } else if (!namespaces::available(ns_reason)) {
    r.full_reason = ns_reason;
  } else if (!r.cgroups.complete()) {
    for (const auto* c : {&r.cgroups.memory, &r.cgroups.pids, &r.cgroups.cpu}) {
      // On v2 one failure (e.g. cgroup.subtree_control) is every controller's reason.
      if (!c->version && r.full_reason.find(c->reason) == std::string::npos) {
        r.full_reason += (r.full_reason.empty() ? "" : "; ") + c->reason;
      }
    }
  } else {
    r.full = true;
  }
  return r;
}

}  // namespace

std::string HostReport::describe() const {
  std::string text =
      "full: " + (full ? "yes (cgroups " + cgroups.describe() + ")" : "no (" + full_reason + ")");
  if (full) {
    text += "; cpu quota: " + (cgroups.cpu_quota.version
                                   ? "v" + std::to_string(cgroups.cpu_quota.version)
                                   : "no (" + cgroups.cpu_quota.reason + ")");
    if (!cgroups.v2_leaf.empty()) text += "; runner moved to " + cgroups.v2_leaf.string();
  }
  if (!swept_cgroups.empty()) {
    text += "; removed " + std::to_string(swept_cgroups.size()) + " stale job cgroup(s)";
  }
  text += "; basic: " + (basic ? std::string("yes") : "no (" + basic_reason + ")");
  text += "; landlock: " + (landlock_abi > 0 ? "ABI " + std::to_string(landlock_abi) : "absent");
  text += "; seccomp: " + std::string(seccomp ? "yes" : "no");
  return text;
}

const HostReport& host() {
  static std::once_flag once;
  static HostReport report;
  std::call_once(once, [] { report = run_probe(); });
  return report;
}

}  // namespace runner::sandbox::probe
