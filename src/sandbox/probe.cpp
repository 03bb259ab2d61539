#include "sandbox/probe.hpp"

#include <unistd.h>

#include <mutex>

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
  // basic: the runner must be able to become the slot uids.
  if (!root) {
    r.basic_reason = "the runner is not root, so it cannot run jobs as their own uid";
  } else if (!r.seccomp) {
    r.basic_reason = "seccomp filters are not available";
  } else {
    r.basic = true;
  }
  // full: namespaces, cgroups and the same identity needs.
  std::string ns_reason;
  r.cgroups = cgroups::detect();
  if (!root) {
    r.full_reason = "the runner is not root (it maps the job's uids and moves it into cgroups)";
  } else if (!r.seccomp) {
    r.full_reason = "seccomp filters are not available";
  } else if (!namespaces::available(ns_reason)) {
    r.full_reason = ns_reason;
  } else if (!r.cgroups.complete()) {
    for (const auto* c : {&r.cgroups.memory, &r.cgroups.pids, &r.cgroups.cpu}) {
      if (!c->version) r.full_reason += (r.full_reason.empty() ? "" : "; ") + c->reason;
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
