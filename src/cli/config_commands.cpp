#include <iostream>

#include "cli/commands.hpp"
#include "cli/setup.hpp"
#include "config/banner.hpp"
#include "sandbox/select.hpp"

namespace runner::cli {

// The startup banner. Returns false (after saying why) when the configuration cannot run.
bool print_banner() {
  std::cout << "🚀 Runner Service starting...\n";
  auto settings = load_configuration(config::Purpose::Service);
  if (!settings) return false;
  std::cout << "✓ Configuration loaded successfully\n";
  try {
    const auto sandbox =
        sandbox::select_launcher(settings->sandbox, 0, static_cast<uid_t>(settings->uid_base));
    drivers::Toolchain::discover(settings->jdk_version, share_dir(), testhost_dir());
    std::cout << config::describe_settings(*settings, sandbox.description);
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return false;
  }
  std::cout << "✓ Runner initialization complete\n";
  return true;
}

int check_config_command() {
  return print_banner() ? 0 : 1;
}

}  // namespace runner::cli
