#pragma once
// The startup banner (README, "Configuration"): what the runner will do, with every secret masked.
#include <string>
#include <utility>
#include <vector>

#include "config/settings.hpp"

namespace runner::config {

// What the runner will do, one (label, value) per setting, secrets masked. `sandbox` describes
// the level in use.
std::vector<std::pair<std::string, std::string>> settings_summary(const Settings& s,
                                                                  const std::string& sandbox);

// The "📋 Configuration:" block of settings_summary, one line per setting.
std::string describe_settings(const Settings& s, const std::string& sandbox);

}  // namespace runner::config
