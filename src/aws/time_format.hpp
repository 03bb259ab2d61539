#pragma once
// The timestamp formats AWS uses here: x-amz-date (20150830T123600Z) for signing, ISO-8601
// (2024-01-01T12:00:00Z) in credential responses' Expiration, and the HTTP Date header
// (Sun, 06 Nov 1994 08:49:37 GMT) that clock skew correction reads.
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

// Parses x-amz-date's format (20150830T123600Z); nullopt otherwise.
std::optional<Clock::time_point> parse_amz_date(std::string_view s);

// Parses an HTTP date in the preferred IMF-fixdate form (RFC 9110: "Sun, 06 Nov 1994 08:49:37
// GMT"; the weekday is optional and not checked); nullopt otherwise.
std::optional<Clock::time_point> parse_http_date(std::string_view s);

}  // namespace runner::aws
