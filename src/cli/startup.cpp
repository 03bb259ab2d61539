#include "cli/startup.hpp"

#include <iostream>

#include "service/log.hpp"

namespace runner::cli {

std::optional<app::Runtime> load_runtime(config::Purpose purpose) {
  try {
    return app::Runtime::load(purpose);
  } catch (const app::ConfigError& e) {
    if (e.json()) {
      service::set_log_format(config::LogFormat::Json);
      service::log_error(e.one_line());
    } else {
      std::cerr << e.what();
    }
    return std::nullopt;
  }
}

std::optional<Started> start_service(StartFor what) {
  const bool serve = what == StartFor::Serve;
  auto runtime = load_runtime(config::Purpose::Service);
  if (!runtime) return std::nullopt;
  const bool json = runtime->settings().log_format == config::LogFormat::Json;
  service::set_log_format(runtime->settings().log_format);
  if (!json) {
    std::cout << (serve ? "🚀 Runner Service starting...\n" : "🔎 Checking the configuration...\n")
              << "✓ Configuration loaded successfully\n";
  }
  try {
    auto sandbox = runtime->launcher(0);
    auto tools = runtime->toolchain();
    if (json) {
      service::log_settings(serve ? "runner starting" : "configuration valid",
                            runtime->banner_fields(sandbox));
    } else {
      std::cout << runtime->banner(sandbox);
      std::cout << (serve ? "✓ Runner initialization complete\n" : "✓ Configuration valid\n");
    }
    return Started{std::move(*runtime), std::move(tools), std::move(sandbox)};
  } catch (const std::exception& e) {
    if (json) {
      service::log_error(e.what());
    } else {
      std::cerr << "✗ " << e.what() << "\n";
    }
    return std::nullopt;
  }
}

bool report_dependencies(const std::vector<service::DependencyStatus>& statuses, Report how) {
  bool all = true;
  for (const auto& d : statuses) {
    all = all && d.ok;
    const std::string line = std::string(d.ok ? "✓ " : "✗ ") + d.name + ": " + d.detail;
    if (how == Report::Console) {
      (d.ok ? std::cout : std::cerr) << line << "\n";
    } else if (d.ok) {
      service::log_info(line);
    } else {
      service::log_warn(line + " (the worker waits for it; /readyz answers 503 meanwhile)");
    }
  }
  return all;
}

}  // namespace runner::cli
