#include "aws/ini.hpp"

#include "util/text.hpp"

namespace runner::aws {

IniFile parse_ini(std::string_view text) {
  IniFile file;
  IniSection* section = nullptr;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    std::string line = util::trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      auto close = line.find(']');
      section = close == std::string::npos ? nullptr : &file[util::trim(line.substr(1, close - 1))];
      continue;
    }
    // Sub-settings are indented; they belong to a nested key we do not use.
    if (raw.front() == ' ' || raw.front() == '\t') continue;
    auto eq = line.find('=');
    if (section == nullptr || eq == std::string::npos) continue;
    (*section)[util::trim(line.substr(0, eq))] = util::trim(line.substr(eq + 1));
  }
  return file;
}

}  // namespace runner::aws
