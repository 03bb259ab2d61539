#pragma once
// The startup banner (README, "Configuration"): what the runner will do, with every secret masked.
#include <string>

#include "config/settings.hpp"

namespace runner::config {

// The "📋 Configuration:" block, one line per setting. `sandbox` describes the level in use.
std::string describe_settings(const Settings& s, const std::string& sandbox);

}  // namespace runner::config
