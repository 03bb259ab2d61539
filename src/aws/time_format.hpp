#pragma once
// The two timestamp formats AWS uses here: x-amz-date (20150830T123600Z) for signing, and
// ISO-8601 (2024-01-01T12:00:00Z) in credential responses' Expiration.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace runner::aws {

using Clock = std::chrono::system_clock;

std::string amz_date(Clock::time_point t);  // 20150830T123600Z
std::string amz_day(Clock::time_point t);   // 20150830

// Accepts YYYY-MM-DDTHH:MM:SS with optional fraction and Z or ±HH:MM offset; nullopt otherwise.
std::optional<Clock::time_point> parse_iso8601(std::string_view s);

}  // namespace runner::aws
