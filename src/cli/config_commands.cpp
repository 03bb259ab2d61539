#include "cli/commands.hpp"
#include "cli/startup.hpp"

namespace runner::cli {

int check_config_command() {
  return start_service() ? 0 : 1;
}

}  // namespace runner::cli
