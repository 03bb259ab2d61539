// runner: grades student code submissions (the README's "Commands" lists the commands).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "runner_version.hpp"

int main(int argc, char** argv) {
  using namespace runner;
  CLI::App app{"Runner: grades Java submissions against a PIT, locally or from a queue"};
  app.require_subcommand(0, 1);

  app.add_subcommand("serve", "the worker: poll SQS, grade, publish (default)");

  cli::GradeOptions grade;
  std::string submission_id;
  auto* grade_cmd = app.add_subcommand("grade", "grade a submission ZIP against a PIT folder");
  grade_cmd->add_option("submission", grade.zip, "the student's ZIP")->required();
  grade_cmd->add_option("--pit", grade.pit_dir, "the PIT folder (holds pit.yaml)")->required();
  grade_cmd->add_option("--out", grade.out_dir, "where to write feedback.json and log.txt");
  grade_cmd->add_flag("--json", grade.json, "print feedback.json instead of the summary");
  grade_cmd->add_option("--submission-id", submission_id, "recorded in feedback.json");

  app.add_subcommand("check-config", "validate the environment and print the banner");

  auto* pit_cmd = app.add_subcommand("pit", "PIT tools");
  auto* pit_check = pit_cmd->add_subcommand("check", "validate a PIT");
  pit_cmd->require_subcommand(1);
  std::string pit_dir, solution;
  pit_check->add_option("pit", pit_dir, "the PIT folder")->required();
  pit_check->add_option("--solution", solution, "a ZIP that must get full marks");

  app.add_subcommand("migrate", "apply the schema migrations the database lacks (idempotent)");
  cli::EnqueueOptions enqueue;
  std::string enqueue_id;
  auto* enqueue_cmd =
      app.add_subcommand("enqueue", "upload a ZIP, insert a QUEUED row, send a message");
  enqueue_cmd->add_option("submission", enqueue.zip, "the student's ZIP")->required();
  enqueue_cmd->add_option("--pit", enqueue.pit_id, "the PIT id (a folder of RUNNER_PITS_DIR)")
      ->required();
  enqueue_cmd->add_option("--submission-id", enqueue_id, "default: a random id");
  app.add_subcommand("version", "print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return e.get_exit_code() == 0 ? 0 : 2;  // usage errors exit 2 (README, "Commands")
  }

  if (app.got_subcommand("grade")) {
    if (!submission_id.empty()) grade.submission_id = submission_id;
    return cli::grade_command(grade);
  }
  if (app.got_subcommand("check-config")) return cli::check_config_command();
  if (app.got_subcommand("pit")) {
    return cli::pit_check_command(
        pit_dir, solution.empty() ? std::nullopt : std::optional<std::filesystem::path>(solution));
  }
  if (app.got_subcommand("version")) {
    std::cout << "runner " << kRunnerVersion << "\n";
    return 0;
  }
  if (app.got_subcommand("migrate")) return cli::migrate_command();
  if (app.got_subcommand("enqueue")) {
    if (!enqueue_id.empty()) enqueue.submission_id = enqueue_id;
    return cli::enqueue_command(enqueue);
  }
  return cli::serve_command();
}
