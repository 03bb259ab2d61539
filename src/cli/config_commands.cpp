#include "cli/commands.hpp"
#include "cli/startup.hpp"

namespace runner::cli {

int check_config_command(bool connect) {
  auto started = start_service(StartFor::CheckConfig);
  if (!started) return 1;
  if (!connect) return 0;
  const auto& settings = started->runtime.settings();
  auto cloud = started->runtime.cloud();
  const bool json = settings.log_format == config::LogFormat::Json;
  return report_dependencies(service::check_dependencies(settings, *cloud.s3, *cloud.sqs),
                             json ? Report::Log : Report::Console)
             ? 0
             : 1;
}

}  // namespace runner::cli
