#pragma once
// What every command does first: load the runtime (app/runtime.hpp) and print what stops it.
#include <optional>
#include <vector>

#include "app/runtime.hpp"
#include "drivers/driver.hpp"
#include "sandbox/select.hpp"
#include "service/dependencies.hpp"

namespace runner::cli {

// The runtime for `purpose`, or nullopt after printing the fail-fast message to stderr.
std::optional<app::Runtime> load_runtime(config::Purpose purpose);

// What `serve` starts from, checked and described by the start-up banner.
struct Started {
  app::Runtime runtime;
  drivers::Toolchain tools;
  sandbox::Selection first_slot;  // slot 0's launcher, the one the banner describes
};
enum class StartFor { Serve, CheckConfig };

// Says how each dependency answered, one line each: on the console (check-config: ✓ on stdout,
// ✗ on stderr) or as log events (serve: a dependency down is a warning; the worker waits for
// it). Returns whether all answered.
enum class Report { Console, Log };
bool report_dependencies(const std::vector<service::DependencyStatus>& statuses, Report how);

// Loads the settings, then prints the start-up banner: "🚀 Runner Service starting..."
// (`check-config`: "🔎 Checking the configuration..."), the configuration block, and
// "✓ Runner initialization complete" ("✓ Configuration valid"); with RUNNER_LOG_FORMAT=json one
// JSON event instead. nullopt, after saying why, when the runner cannot start.
std::optional<Started> start_service(StartFor what = StartFor::Serve);

}  // namespace runner::cli
