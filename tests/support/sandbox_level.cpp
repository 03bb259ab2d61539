#include "support/sandbox_level.hpp"

#include <cstdlib>
#include <stdexcept>

#include "sandbox/probe.hpp"

namespace runner::testing {

namespace {

// 2 for full, 1 for basic, 0 for unset or empty; -1 for anything else.
int rank(std::string_view level) {
  if (level == "full") return 2;
  if (level == "basic") return 1;
  if (level.empty()) return 0;
  return -1;
}

}  // namespace

SandboxLevelCheck check_sandbox_level(std::string_view level) {
  const char* env = std::getenv("RUNNER_REQUIRE_SANDBOX");
  const std::string required = env ? env : "";
  if (rank(required) < 0) {
    return {SandboxLevelCheck::Outcome::Fail,
            "RUNNER_REQUIRE_SANDBOX=" + required + ": expected full or basic"};
  }
  if (rank(level) <= 0) throw std::invalid_argument("no sandbox level " + std::string(level));
  const auto& host = sandbox::probe::host();
  const bool available = level == "full" ? host.full : host.basic;
  if (available) return {};
  const std::string& reason = level == "full" ? host.full_reason : host.basic_reason;
  if (rank(level) <= rank(required)) {
    return {SandboxLevelCheck::Outcome::Fail, "RUNNER_REQUIRE_SANDBOX=" + required +
                                                  " but this host gives no `" + std::string(level) +
                                                  "`: " + reason};
  }
  return {SandboxLevelCheck::Outcome::Skip, reason};
}

}  // namespace runner::testing
