#include "cli/startup.hpp"

#include <iostream>

namespace runner::cli {

std::optional<app::Runtime> load_runtime(config::Purpose purpose) {
  try {
    return app::Runtime::load(purpose);
  } catch (const app::ConfigError& e) {
    std::cerr << e.what();
    return std::nullopt;
  }
}

std::optional<Started> start_service() {
  std::cout << "🚀 Runner Service starting...\n";
  auto runtime = load_runtime(config::Purpose::Service);
  if (!runtime) return std::nullopt;
  std::cout << "✓ Configuration loaded successfully\n";
  try {
    auto sandbox = runtime->launcher(0);
    auto tools = runtime->toolchain();
    std::cout << runtime->banner(sandbox);
    std::cout << "✓ Runner initialization complete\n";
    return Started{std::move(*runtime), std::move(tools), std::move(sandbox)};
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return std::nullopt;
  }
}

}  // namespace runner::cli
