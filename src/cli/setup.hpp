#pragma once
// What every command does first: read the configuration and find the tools.
#include <filesystem>
#include <optional>

#include "config/settings.hpp"
#include "config/share_dir.hpp"
#include "drivers/driver.hpp"
#include "grading/grader.hpp"
#include "pit/pit.hpp"

namespace runner::cli {

// Process environment over ./.env, validated for `purpose`. Prints the SPEC §2 message to
// stderr and returns nullopt when something is missing or invalid.
std::optional<config::Settings> load_configuration(config::Purpose purpose);

using config::share_dir;     // the runner's data folder
using config::testhost_dir;  // the built test host (javac fast path)

pit::PitDefaults pit_defaults(const config::Settings& settings);

archive::Limits archive_limits(const config::Settings& settings);

}  // namespace runner::cli
