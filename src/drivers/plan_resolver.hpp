#pragma once
// Learning a Maven or Gradle PIT's build plan once, and keeping it (docs/build-drivers.md,
// "Build plans"). The real build tool runs, sandboxed and offline, on a probe project made of
// the PIT's files alone (no submission) plus one probe class and one probe resource; what it
// printed and wrote becomes the plan, cached in Toolchain::plan_dir under a key of everything
// the plan depends on.
#include <filesystem>
#include <optional>
#include <string>

#include "drivers/build_plan.hpp"
#include "drivers/driver.hpp"

namespace runner::drivers {

struct PlanContext {
  const pit::Pit& pit;
  const Toolchain& tools;
  exec::Launcher& launcher;
  std::filesystem::path work_dir;  // the probe project's folder is made (and removed) here
  exec::OutputSink& log;           // receives one line: which plan, or why none
};

// The plan to grade `pit` with: cached, or learnt now and cached. nullopt when the PIT runs its
// build tool for every submission: a javac PIT, `build_plan: false`, no plan folder, or a
// resolution that could not finish (the reason is logged; nothing is cached then). A plan the
// host cannot follow comes back with `unsupported` set. Never throws.
std::optional<BuildPlan> plan_for(const PlanContext& context);

// The cache key: a hash of the PIT's build files (its overlay less src/test), the build tool's
// installation, the JDK, the runner's build-tool data (share/) and the plan format.
std::string plan_key(const pit::Pit& pit, const Toolchain& tools);

}  // namespace runner::drivers
