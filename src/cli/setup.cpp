#include "cli/setup.hpp"

#include <cstdlib>
#include <iostream>

#include "config/environment.hpp"

namespace runner::cli {

std::optional<config::Settings> load_configuration(config::Purpose purpose) {
  const auto env = config::layer_dotenv(config::process_environment(), ".env");
  auto loaded = config::load_settings(env.values, purpose);
  for (const auto& e : env.errors) loaded.problems.invalid.push_back(e);
  if (!loaded.problems.empty()) {
    std::cerr << config::format_problems(loaded.problems);
    return std::nullopt;
  }
  return loaded.settings;
}

pit::PitDefaults pit_defaults(const config::Settings& s) {
  return {s.build_tool, s.timeout_ms, s.memory_mb};
}

archive::Limits archive_limits(const config::Settings& s) {
  return {s.max_files, s.max_unzipped_bytes, s.max_zip_bytes};
}

}  // namespace runner::cli
