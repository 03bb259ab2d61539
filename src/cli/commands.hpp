#pragma once
// One function per `runner` subcommand; each returns the process exit code.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runner::cli {

// Parses the command line and runs the subcommand (`serve` when none is named).
int run(int argc, char** argv);

struct GradeOptions {
  std::filesystem::path zip;
  std::filesystem::path pit_dir;
  std::filesystem::path out_dir;  // empty: ./runner-out/<zip stem>
  bool json = false;
  std::optional<std::string> submission_id;
};

int grade_command(const GradeOptions& options);
struct GradeAllOptions {
  std::vector<std::filesystem::path> inputs;  // ZIPs and folders (batch/inputs.hpp)
  std::filesystem::path pit_dir;
  int jobs = 0;                   // 0: one per core
  std::filesystem::path out_dir;  // empty: ./runner-out/batch
  bool no_cache = false;          // grade every submission, even one identical to another
};

// Exit codes: 0 every submission has a verdict, 1 some are ERROR, 2 usage, 130 interrupted.
int grade_all_command(const GradeAllOptions& options);
// `connect`: also check that PostgreSQL, S3 and SQS answer (exit 1 when one does not).
int check_config_command(bool connect);
int pit_check_command(const std::filesystem::path& pit_dir,
                      const std::optional<std::filesystem::path>& solution);

struct EnqueueOptions {
  std::filesystem::path zip;
  std::string pit_id;
  std::optional<std::string> submission_id;  // default: a random id
};

struct RegradeOptions {
  std::string pit_id;
  std::vector<std::string> statuses;  // empty: every final status
  std::string since;                  // ISO-8601; empty: any time
  bool dry_run = false;
  bool rescore = false;
};

// Exit codes: 0 done (or a dry run), 1 a fault or messages not sent, 2 usage.
int regrade_command(const RegradeOptions& options);

int serve_command();
int migrate_command();
int enqueue_command(const EnqueueOptions& options);

}  // namespace runner::cli
