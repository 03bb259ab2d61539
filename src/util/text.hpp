#pragma once
// String helpers with no better home.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runner::util {

// The value of `name` in a variable map (the environment over .env, a test's own map); empty
// when it is not set.
std::string value_of(const std::map<std::string, std::string>& env, const std::string& name);

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Parses a whole string as a base-10 integer in [min, max]; nullopt otherwise.
std::optional<long long> parse_int(std::string_view s, long long min, long long max);

// Parses true/false/1/0/yes/no (case-insensitive).
std::optional<bool> parse_bool(std::string_view s);

// Cuts `s` to at most `max` bytes on a UTF-8 boundary, adding "…" when it was cut.
std::string truncate_utf8(std::string_view s, std::size_t max);

// The candidate nearest to `word` for a "did you mean" hint: within a few edits (case ignored),
// or one starting with the other; nullopt when none is close.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// ISO-8601 UTC timestamp with seconds, e.g. 2026-11-26T10:00:03Z.
std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace runner::util
