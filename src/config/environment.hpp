#pragma once
// The variables the runner is configured from: the process environment layered over ./.env.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runner::config {

using Environment = std::map<std::string, std::string>;

struct DotenvResult {
  Environment values;
  std::vector<std::string> errors;  // "line 3: expected KEY=VALUE"
};

// Parses .env text: KEY=VALUE lines, optional `export `, # comments, single or double quotes
// (double quotes understand \n, \" and \\). Malformed lines are reported, never guessed at.
DotenvResult parse_dotenv(const std::string& text);

// The process environment (`environ`).
Environment process_environment();

struct LoadedEnvironment {
  Environment values;
  std::vector<std::string> errors;  // problems in the .env file, already prefixed with its path
};

// `real` wins over the file (README, "Configuration"); a missing file is not an error.
LoadedEnvironment layer_dotenv(const Environment& real, const std::filesystem::path& dotenv_file);

}  // namespace runner::config
