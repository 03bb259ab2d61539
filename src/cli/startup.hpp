#pragma once
// What every command does first: load the runtime (app/runtime.hpp) and print what stops it.
#include <optional>

#include "app/runtime.hpp"
#include "drivers/driver.hpp"
#include "sandbox/select.hpp"

namespace runner::cli {

// The runtime for `purpose`, or nullopt after printing the fail-fast message to stderr.
std::optional<app::Runtime> load_runtime(config::Purpose purpose);

// What `serve` starts from, checked and described by the start-up banner.
struct Started {
  app::Runtime runtime;
  drivers::Toolchain tools;
  sandbox::Selection first_slot;  // slot 0's launcher, the one the banner describes
};
// Prints the start-up banner: "🚀 Runner Service starting...", the configuration block, and
// "✓ Runner initialization complete"; nullopt, after saying why, when the runner cannot start.
std::optional<Started> start_service();

}  // namespace runner::cli
