#include "app/runtime.hpp"

#include <unistd.h>

#include "aws/service_client.hpp"
#include "config/banner.hpp"
#include "util/text.hpp"

namespace runner::app {

Runtime Runtime::load(config::Purpose purpose) {
  const auto loaded = config::layer_dotenv(config::process_environment(), ".env");
  return build(loaded.values, purpose, loaded.errors);
}

Runtime Runtime::from(const config::Environment& env, config::Purpose purpose) {
  return build(env, purpose, {});
}

Runtime Runtime::build(const config::Environment& env, config::Purpose purpose,
                       const std::vector<std::string>& dotenv_errors) {
  auto loaded = config::load_settings(env, purpose);
  auto& invalid = loaded.problems.invalid;
  invalid.insert(invalid.end(), dotenv_errors.begin(), dotenv_errors.end());
  if (!loaded.problems.empty()) {
    throw ConfigError(loaded.problems, loaded.settings.log_format == config::LogFormat::Json);
  }
  Runtime runtime;
  runtime.env_ = env;
  runtime.settings_ = std::move(loaded.settings);
  runtime.data_ = config::data_dirs(env);
  return runtime;
}

pit::PitDefaults Runtime::pit_defaults() const {
  return {settings_.build_tool, settings_.timeout_ms, settings_.memory_mb};
}

archive::Limits Runtime::archive_limits() const {
  archive::Limits limits;
  limits.max_files = settings_.max_files;
  limits.max_unzipped_bytes = settings_.max_unzipped_bytes;
  limits.max_zip_bytes = settings_.max_zip_bytes;
  return limits;
}

drivers::Toolchain Runtime::toolchain() const {
  auto tools = drivers::Toolchain::discover(settings_.jdk_version, data_.share, data_.testhost);
  tools.plan_dir = settings_.cache_dir / "build-plans";
  return tools;
}

sandbox::Selection Runtime::launcher(int slot) const {
  return sandbox::select_launcher(settings_.sandbox, slot, static_cast<uid_t>(settings_.uid_base),
                                  data_.read_only());
}

std::vector<std::pair<std::string, std::string>> Runtime::banner_fields(
    const sandbox::Selection& sandbox) const {
  return config::settings_summary(settings_, sandbox.description);
}

std::string Runtime::banner(const sandbox::Selection& sandbox) const {
  return config::describe_settings(settings_, sandbox.description);
}

service::Cloud Runtime::cloud() const {
  auto credentials = aws::default_credentials(env_);
  return {std::make_unique<aws::S3Client>(settings_.aws, credentials),
          std::make_unique<aws::SqsClient>(settings_.aws, credentials)};
}

std::string Runtime::http_host() const {
  const std::string host = util::value_of(env_, "RUNNER_HTTP_HOST");
  return host.empty() ? "0.0.0.0" : host;
}

}  // namespace runner::app
