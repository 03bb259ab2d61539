#pragma once
// The isolation levels RUNNER_SANDBOX names (docs/sandbox.md): `auto` picks the strongest of
// `full` and `basic` the host gives; `none` runs jobs as plain child processes.
#include <optional>
#include <string>

namespace runner::sandbox {

enum class Level { Auto, Full, Basic, None };

std::string to_string(Level level);
// "auto", "full", "basic" or "none"; nullopt for anything else.
std::optional<Level> parse_level(const std::string& s);

}  // namespace runner::sandbox
