#pragma once
// The composition root: the one place that reads the process environment (over ./.env) and
// builds what the commands need from it. Everything below takes explicit values; cli/ only
// parses arguments and prints.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "archive/extract.hpp"
#include "config/environment.hpp"
#include "config/settings.hpp"
#include "config/share_dir.hpp"
#include "drivers/driver.hpp"
#include "pit/pit.hpp"
#include "sandbox/select.hpp"
#include "service/cloud.hpp"

namespace runner::app {

// The configuration cannot run: what() is the whole fail-fast message (every missing and invalid
// variable), ending with a newline.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const config::Problems& problems, bool json)
      : std::runtime_error(config::format_problems(problems)),
        one_line_(config::problems_in_one_line(problems)),
        json_(json) {}
  // "missing: AWS_REGION, DATABASE_URL; invalid: RUNNER_TIMEOUT_MS: ...": for one log event.
  const std::string& one_line() const { return one_line_; }
  // RUNNER_LOG_FORMAT=json was asked for (and valid): the error is to be one JSON event too.
  bool json() const { return json_; }

 private:
  std::string one_line_;
  bool json_;
};

class Runtime {
 public:
  // Reads the environment once and validates it for `purpose`. Throws ConfigError.
  static Runtime load(config::Purpose purpose);
  // The same from an explicit variable map (tests).
  static Runtime from(const config::Environment& env, config::Purpose purpose);

  const config::Settings& settings() const { return settings_; }
  const config::DataDirs& data_dirs() const { return data_; }
  pit::PitDefaults pit_defaults() const;
  archive::Limits archive_limits() const;

  // Finds the JDK and the test host; throws with what was looked for.
  drivers::Toolchain toolchain() const;
  // The launcher of job slot `slot` at RUNNER_SANDBOX; throws sandbox::SandboxUnavailable.
  sandbox::Selection launcher(int slot) const;
  // The "📋 Configuration:" block with the sandbox level in use.
  // The banner's settings, one (label, value) each (config/banner.hpp).
  std::vector<std::pair<std::string, std::string>> banner_fields(
      const sandbox::Selection& sandbox) const;
  std::string banner(const sandbox::Selection& sandbox) const;

  // S3 and SQS clients with the standard AWS credential chain (service commands).
  service::Cloud cloud() const;
  // Where /healthz and /metrics listen: RUNNER_HTTP_HOST, else all interfaces (a container's
  // health check comes from outside).
  std::string http_host() const;

 private:
  static Runtime build(const config::Environment& env, config::Purpose purpose,
                       const std::vector<std::string>& dotenv_errors);

  config::Environment env_;
  config::Settings settings_;
  config::DataDirs data_;
};

}  // namespace runner::app
