// The composition root: what it builds from one environment, and how it fails.
#include "app/runtime.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::app {
namespace {

namespace fs = std::filesystem;

config::Environment service_env() {
  return {{"AWS_REGION", "eu-south-2"},
          {"AWS_S3_BUCKET", "bucket"},
          {"AWS_SQS_QUEUE_URL", "https://sqs.eu-south-2.amazonaws.com/1/q"},
          {"DATABASE_URL", "postgres://runner:secret@db:5432/runner"}};
}

std::string config_error(const config::Environment& env, config::Purpose purpose) {
  try {
    Runtime::from(env, purpose);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Runtime, PitDefaultsAndArchiveLimitsComeFromTheSettings) {
  const auto runtime = Runtime::from({{"BUILD_TOOL", "gradle"},
                                      {"RUNNER_TIMEOUT_MS", "5000"},
                                      {"RUNNER_MEMORY_MB", "512"},
                                      {"RUNNER_MAX_FILES", "7"},
                                      {"RUNNER_MAX_UNZIPPED_BYTES", "1000"},
                                      {"RUNNER_MAX_ZIP_BYTES", "900"}},
                                     config::Purpose::Grade);
  const auto defaults = runtime.pit_defaults();
  EXPECT_EQ(defaults.build, pit::BuildTool::Gradle);
  EXPECT_EQ(defaults.timeout_ms, 5000);
  EXPECT_EQ(defaults.memory_mb, 512);
  const auto limits = runtime.archive_limits();
  EXPECT_EQ(limits.max_files, 7);
  EXPECT_EQ(limits.max_unzipped_bytes, 1000);
  EXPECT_EQ(limits.max_zip_bytes, 900);
  EXPECT_EQ(limits.max_depth, archive::Limits{}.max_depth);  // not configurable
}

TEST(Runtime, EveryProblemIsListedAtOnceWithTheAwsClientsOwnRules) {
  auto env = service_env();
  env.erase("AWS_S3_BUCKET");
  env["AWS_MAX_ATTEMPTS"] = "0";
  env["RUNNER_TIMEOUT_MS"] = "fast";
  const std::string message = config_error(env, config::Purpose::Service);
  EXPECT_NE(message.find("  - AWS_S3_BUCKET\n"), std::string::npos) << message;
  EXPECT_NE(message.find("  - AWS_MAX_ATTEMPTS: '0' is not an integer in [1, 999]\n"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("  - RUNNER_TIMEOUT_MS"), std::string::npos) << message;
  // The same variable is fine for `grade`, which uses no AWS client.
  EXPECT_EQ(config_error({{"AWS_MAX_ATTEMPTS", "0"}}, config::Purpose::Grade), "");
}

TEST(Runtime, TheAwsClientConfigurationIsTheOneTheSettingsValidated) {
  auto env = service_env();
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566";
  env["AWS_MAX_ATTEMPTS"] = "7";
  const auto runtime = Runtime::from(env, config::Purpose::Service);
  EXPECT_EQ(runtime.settings().aws.endpoint, "http://127.0.0.1:4566");
  EXPECT_EQ(runtime.settings().aws.retry.max_attempts, 7);
  EXPECT_NE(runtime.banner({nullptr, "none (test)"}).find("AWS endpoint:"), std::string::npos);
}

TEST(Runtime, DataFoldersAndTheHttpHostFollowTheEnvironment) {
  const auto built_in = Runtime::from({}, config::Purpose::Grade);
  EXPECT_EQ(built_in.data_dirs().share, config::built_in_data_dirs().share);
  EXPECT_EQ(built_in.http_host(), "0.0.0.0");
  const auto moved =
      Runtime::from({{"RUNNER_SHARE_DIR", "/opt/share"}, {"RUNNER_HTTP_HOST", "127.0.0.1"}},
                    config::Purpose::Grade);
  EXPECT_EQ(moved.data_dirs().share, "/opt/share");
  EXPECT_EQ(moved.data_dirs().testhost, config::built_in_data_dirs().testhost);
  EXPECT_EQ(moved.http_host(), "127.0.0.1");
  EXPECT_EQ(moved.data_dirs().read_only(),
            (std::vector<std::string>{"/opt/share", moved.data_dirs().testhost.string()}));
}

TEST(Runtime, TheLauncherIsTheLevelAsked) {
  const auto runtime = Runtime::from({{"RUNNER_SANDBOX", "none"}}, config::Purpose::Grade);
  const auto selection = runtime.launcher(0);
  ASSERT_NE(selection.launcher, nullptr);
  EXPECT_EQ(selection.launcher->level(), "none");
  EXPECT_NE(runtime.banner(selection).find("Sandbox:"), std::string::npos);
}

// load() reads ./.env under the process environment, and its malformed lines are listed with
// the variables' problems.
TEST(Runtime, LoadListsTheDotenvFilesOwnProblems) {
  testing::TempDir dir;
  util::write_file(dir / ".env", "RUNNER_TIMEOUT_MS=5000\nthis is not a setting\n");
  const fs::path before = fs::current_path();
  fs::current_path(dir.path());
  std::string message;
  try {
    Runtime::load(config::Purpose::Grade);
  } catch (const ConfigError& e) {
    message = e.what();
  }
  fs::current_path(before);
  EXPECT_NE(message.find("line 2"), std::string::npos) << message;
}

}  // namespace
}  // namespace runner::app
