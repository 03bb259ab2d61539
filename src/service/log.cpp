#include "service/log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace runner::service {

namespace {
std::atomic<config::LogFormat> g_format{config::LogFormat::Text};
std::mutex g_mutex;

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", std::chrono::floor<std::chrono::seconds>(now),
                     static_cast<int>(ms.count() % 1000));
}

void write(const char* level, const std::string& message, const LogFields& f) {
  std::string line;
  if (g_format.load() == config::LogFormat::Json) {
    nlohmann::ordered_json j;
    j["time"] = timestamp();
    j["level"] = level;
    j["message"] = message;
    if (!f.submission_id.empty()) j["submission_id"] = f.submission_id;
    if (!f.pit_id.empty()) j["pit_id"] = f.pit_id;
    if (!f.stage.empty()) j["stage"] = f.stage;
    if (f.duration_ms) j["duration_ms"] = *f.duration_ms;
    // Replace invalid UTF-8 (a student's id could hold anything) rather than throw.
    line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  } else {
    line = fmt::format("{} {:<5} ", timestamp(), level);
    if (!f.stage.empty()) line += "[" + f.stage + "] ";
    if (!f.submission_id.empty()) line += "submission=" + f.submission_id + " ";
    if (!f.pit_id.empty()) line += "pit=" + f.pit_id + " ";
    // One event, one line: multi-line errors (libpq's) are folded.
    std::string flat = message;
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    std::replace(flat.begin(), flat.end(), '\t', ' ');
    line += flat;
    if (f.duration_ms) line += fmt::format(" ({:.0f} ms)", *f.duration_ms);
  }
  std::lock_guard lock(g_mutex);
  std::cerr << line << '\n' << std::flush;
}
}  // namespace

void log_settings(const std::string& message,
                  const std::vector<std::pair<std::string, std::string>>& settings) {
  if (g_format.load() != config::LogFormat::Json) {
    std::string text = message;
    for (const auto& [label, value] : settings) text += "\n  " + label + ": " + value;
    std::lock_guard lock(g_mutex);
    std::cerr << timestamp() << " INFO  " << text << '\n' << std::flush;
    return;
  }
  nlohmann::ordered_json config = nlohmann::ordered_json::object();
  for (const auto& [label, value] : settings) {
    std::string key;
    for (const char c : label) {
      key += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    config[key] = value;
  }
  nlohmann::ordered_json j;
  j["time"] = timestamp();
  j["level"] = "INFO";
  j["message"] = message;
  j["config"] = config;
  const std::string line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::lock_guard lock(g_mutex);
  std::cerr << line << '\n' << std::flush;
}

void set_log_format(config::LogFormat format) {
  g_format = format;
}
void log_info(const std::string& m, const LogFields& f) {
  write("INFO", m, f);
}
void log_warn(const std::string& m, const LogFields& f) {
  write("WARN", m, f);
}
void log_error(const std::string& m, const LogFields& f) {
  write("ERROR", m, f);
}

}  // namespace runner::service
