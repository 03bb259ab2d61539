#pragma once
// What every command does first: read the configuration and find the tools.
#include <filesystem>
#include <optional>

#include "config/settings.hpp"
#include "drivers/driver.hpp"
#include "grading/grader.hpp"
#include "pit/pit.hpp"

namespace runner::cli {

// Process environment over ./.env, validated for `purpose`. Prints the SPEC §2 message to
// stderr and returns nullopt when something is missing or invalid.
std::optional<config::Settings> load_configuration(config::Purpose purpose);

// The runner's data folder: $RUNNER_SHARE_DIR, else the one fixed at build time.
std::filesystem::path share_dir();

pit::PitDefaults pit_defaults(const config::Settings& settings);

archive::Limits archive_limits(const config::Settings& settings);

}  // namespace runner::cli
