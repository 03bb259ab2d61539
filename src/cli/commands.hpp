#pragma once
// One function per `runner` subcommand; each returns the process exit code.
#include <filesystem>
#include <optional>
#include <string>

namespace runner::cli {

struct GradeOptions {
  std::filesystem::path zip;
  std::filesystem::path pit_dir;
  std::filesystem::path out_dir;  // empty: ./runner-out/<zip stem>
  bool json = false;
  std::optional<std::string> submission_id;
};

int grade_command(const GradeOptions& options);
int check_config_command();
int pit_check_command(const std::filesystem::path& pit_dir,
                      const std::optional<std::filesystem::path>& solution);
// The startup banner (README, "Configuration"); false, after saying why, if the runner can't start.
bool print_banner();

struct EnqueueOptions {
  std::filesystem::path zip;
  std::string pit_id;
  std::optional<std::string> submission_id;  // default: a random id
};

int serve_command();
int migrate_command();
int enqueue_command(const EnqueueOptions& options);

}  // namespace runner::cli
