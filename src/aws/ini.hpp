#pragma once
// The INI dialect of ~/.aws/credentials and ~/.aws/config: [section] headers, key = value,
// full-line comments with '#' or ';'. Indented lines continue the previous key (nested
// settings such as "s3 =\n  addressing_style = path") and are skipped here.
#include <map>
#include <string>
#include <string_view>

namespace runner::aws {

using IniSection = std::map<std::string, std::string>;
using IniFile = std::map<std::string, IniSection>;

IniFile parse_ini(std::string_view text);

}  // namespace runner::aws
