#include "config/environment.hpp"

#include <fstream>
#include <sstream>

#include "util/text.hpp"

extern char** environ;

namespace runner::config {
namespace {

bool valid_key(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Returns the unquoted value, or nullopt when a quote is not closed.
std::optional<std::string> parse_value(std::string raw) {
  raw = util::trim(raw);
  if (raw.empty()) return std::string();
  const char quote = raw[0];
  if (quote == '\'' || quote == '"') {
    std::string out;
    for (std::size_t i = 1; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == quote) {
        const std::string rest = util::trim(raw.substr(i + 1));
        if (!rest.empty() && rest[0] != '#') return std::nullopt;
        return out;
      }
      if (quote == '"' && c == '\\' && i + 1 < raw.size()) {
        const char next = raw[++i];
        out += next == 'n' ? '\n' : next;
      } else {
        out += c;
      }
    }
    return std::nullopt;
  }
  // Unquoted: an inline comment starts at " #".
  const auto hash = raw.find(" #");
  return util::trim(hash == std::string::npos ? raw : raw.substr(0, hash));
}

}  // namespace

DotenvResult parse_dotenv(const std::string& text) {
  DotenvResult result;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string content = util::trim(line);
    if (content.empty() || content[0] == '#') continue;
    if (content.starts_with("export ")) content = util::trim(content.substr(7));
    const auto eq = content.find('=');
    const std::string key = eq == std::string::npos ? "" : util::trim(content.substr(0, eq));
    if (eq == std::string::npos || !valid_key(key)) {
      result.errors.push_back("line " + std::to_string(number) + ": expected KEY=VALUE");
      continue;
    }
    auto value = parse_value(content.substr(eq + 1));
    if (!value) {
      result.errors.push_back("line " + std::to_string(number) + ": unterminated quote in " + key);
      continue;
    }
    result.values[key] = *value;
  }
  return result;
}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

LoadedEnvironment layer_dotenv(const Environment& real, const std::filesystem::path& dotenv_file) {
  LoadedEnvironment loaded;
  std::ifstream in(dotenv_file);
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    DotenvResult parsed = parse_dotenv(text.str());
    loaded.values = std::move(parsed.values);
    for (const auto& e : parsed.errors) loaded.errors.push_back(dotenv_file.string() + " " + e);
  }
  for (const auto& [key, value] : real) loaded.values[key] = value;
  return loaded;
}

}  // namespace runner::config
