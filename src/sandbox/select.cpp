#include "sandbox/select.hpp"

#include <unistd.h>

#include "sandbox/full_launcher.hpp"
#include "sandbox/probe.hpp"
#include "util/text.hpp"

namespace runner::sandbox {
namespace {

Selection describe(std::unique_ptr<exec::Launcher> launcher, const std::string& prefix) {
  Selection s;
  s.description =
      prefix + launcher->level() + " (" + util::join(launcher->features({}), ", ") + ")";
  s.launcher = std::move(launcher);
  return s;
}

}  // namespace

Selection select_launcher(Level requested, int slot, uid_t uid_base,
                          const std::vector<std::string>& runner_data) {
  if (requested == Level::None) {
    return describe(exec::make_plain_launcher(),
                    "");  // development only: `auto` never picks it
  }
  const auto& host = probe::host();
  const std::string name = "RUNNER_SANDBOX=" + to_string(requested);
  if (requested == Level::Full && !host.full) {
    throw SandboxUnavailable(name + " is not available on this host: " + host.full_reason);
  }
  if (requested == Level::Basic && !host.basic) {
    throw SandboxUnavailable(name + " is not available on this host: " + host.basic_reason);
  }
  if (requested == Level::Auto && !host.full && !host.basic) {
    throw SandboxUnavailable(
        name + ": no isolating level is available on this host (full: " + host.full_reason +
        "; basic: " + host.basic_reason + "); RUNNER_SANDBOX=none is for development only");
  }
  // The end-of-job kill reaches every process of the slot uid: never the runner's own.
  for (const uid_t own : {getuid(), geteuid()}) {
    if (uids::in_range(uid_base, own)) {
      throw SandboxUnavailable(name + ": RUNNER_UID_BASE=" + std::to_string(uid_base) +
                               " gives the job slots uids " + std::to_string(uid_base) + ".." +
                               std::to_string(uid_base + uids::kRangeSize - 1) +
                               ", which hold the runner's own uid " + std::to_string(own));
    }
  }
  const uids::SlotIds ids = uids::slot_ids(uid_base, slot);
  const std::string prefix = requested == Level::Auto ? "auto -> " : "";
  if (requested == Level::Full || (requested == Level::Auto && host.full)) {
    return describe(make_full_launcher(slot, ids, host.cgroups, runner_data), prefix);
  }
  return describe(make_basic_launcher(ids, host.landlock_abi, runner_data), prefix);
}

}  // namespace runner::sandbox
