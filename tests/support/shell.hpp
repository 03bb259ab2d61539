#pragma once
// Running a command line as the CLI tests do: sh in a folder, both streams captured.
#include <filesystem>
#include <string>

namespace runner::testing {

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
};

// Runs `command` with sh in `cwd`; stdout and stderr go through files in `capture_dir`
// (default: `cwd`).
CommandResult shell(const std::filesystem::path& cwd, const std::string& command,
                    const std::filesystem::path& capture_dir = {});

}  // namespace runner::testing
