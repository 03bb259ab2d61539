#include "sandbox/select.hpp"

namespace runner::sandbox {

Selection select_launcher(config::SandboxLevel requested, int /*slot*/) {
  using config::SandboxLevel;
  if (requested == SandboxLevel::Full || requested == SandboxLevel::Basic) {
    throw SandboxUnavailable("RUNNER_SANDBOX=" + config::to_string(requested) +
                             " is not available in this build (only 'none' is implemented)");
  }
  Selection s;
  s.launcher = exec::make_plain_launcher();
  std::string features;
  for (const auto& f : s.launcher->features()) features += (features.empty() ? "" : ", ") + f;
  s.description = "none (" + features + ")";
  if (requested == SandboxLevel::Auto) {
    s.description +=
        " — WARNING: no isolating level is implemented yet; do not grade untrusted "
        "code on a shared host";
  }
  return s;
}

}  // namespace runner::sandbox
