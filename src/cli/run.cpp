// The command line: which subcommand, with which arguments (README.md, "Commands").
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "runner_version.hpp"

namespace runner::cli {
namespace {

struct Arguments {
  GradeOptions grade;
  GradeAllOptions grade_all;
  std::string grade_id;
  std::string pit_dir, solution;
  EnqueueOptions enqueue;
  RegradeOptions regrade;
  bool no_connect = false;
  std::string enqueue_id;
};

void add_grade(CLI::App& app, Arguments& a) {
  auto* cmd = app.add_subcommand("grade", "grade a submission ZIP against a PIT folder");
  cmd->add_option("submission", a.grade.zip, "the student's ZIP")->required();
  cmd->add_option("--pit", a.grade.pit_dir, "the PIT folder (holds pit.yaml)")->required();
  cmd->add_option("--out", a.grade.out_dir, "where to write feedback.json and log.txt");
  cmd->add_flag("--json", a.grade.json, "print feedback.json instead of the summary");
  cmd->add_option("--submission-id", a.grade_id, "recorded in feedback.json");
}

void add_grade_all(CLI::App& app, Arguments& a) {
  auto* cmd = app.add_subcommand("grade-all", "grade a folder of submissions (course staff)");
  cmd->add_option("inputs", a.grade_all.inputs,
                  "ZIPs, folders of ZIPs, or folders of per-student folders")
      ->required();
  cmd->add_option("--pit", a.grade_all.pit_dir, "the PIT folder (holds pit.yaml)")->required();
  cmd->add_option("--jobs,-j", a.grade_all.jobs, "submissions at once (default: one per core)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--out", a.grade_all.out_dir,
                  "where <id>/feedback.json, results.csv and report.html go "
                  "(default: runner-out/batch)");
  cmd->add_flag("--no-cache", a.grade_all.no_cache,
                "grade every submission, even one whose files were graded before");
}

void add_pit(CLI::App& app, Arguments& a) {
  auto* pit = app.add_subcommand("pit", "PIT tools");
  auto* check = pit->add_subcommand("check", "validate a PIT");
  pit->require_subcommand(1);
  check->add_option("pit", a.pit_dir, "the PIT folder")->required();
  check->add_option("--solution", a.solution, "a ZIP that must get full marks");
}

void add_regrade(CLI::App& app, Arguments& a) {
  auto* cmd = app.add_subcommand(
      "regrade", "grade a PIT's finished submissions again, or rescore them (service)");
  cmd->add_option("--pit", a.regrade.pit_id, "the PIT id (a folder of RUNNER_PITS_DIR)")
      ->required();
  cmd->add_option("--status", a.regrade.statuses, "only these statuses (repeatable)");
  cmd->add_option(
      "--since", a.regrade.since,
      "only those finished at or after this time (ISO-8601, e.g. 2026-12-01T00:00:00Z)");
  cmd->add_flag("--dry-run", a.regrade.dry_run,
                "count (and, with --rescore, compute); change nothing");
  cmd->add_flag("--rescore", a.regrade.rescore,
                "recompute scores from the stored per-test results (weights or max_score changed)");
}

void add_enqueue(CLI::App& app, Arguments& a) {
  auto* cmd = app.add_subcommand("enqueue", "upload a ZIP, insert a QUEUED row, send a message");
  cmd->add_option("submission", a.enqueue.zip, "the student's ZIP")->required();
  cmd->add_option("--pit", a.enqueue.pit_id, "the PIT id (a folder of RUNNER_PITS_DIR)")
      ->required();
  cmd->add_option("--submission-id", a.enqueue_id, "default: a random id");
}

int dispatch(const CLI::App& app, Arguments& a) {
  if (app.got_subcommand("grade")) {
    if (!a.grade_id.empty()) a.grade.submission_id = a.grade_id;
    return grade_command(a.grade);
  }
  if (app.got_subcommand("grade-all")) return grade_all_command(a.grade_all);
  if (app.got_subcommand("check-config")) return check_config_command(!a.no_connect);
  if (app.got_subcommand("pit")) {
    return pit_check_command(a.pit_dir, a.solution.empty()
                                            ? std::nullopt
                                            : std::optional<std::filesystem::path>(a.solution));
  }
  if (app.got_subcommand("version")) {
    std::cout << "runner " << kRunnerVersion << "\n";
    return 0;
  }
  if (app.got_subcommand("migrate")) return migrate_command();
  if (app.got_subcommand("regrade")) return regrade_command(a.regrade);
  if (app.got_subcommand("enqueue")) {
    if (!a.enqueue_id.empty()) a.enqueue.submission_id = a.enqueue_id;
    return enqueue_command(a.enqueue);
  }
  return serve_command();
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"Runner: grades Java submissions against a PIT, locally or from a queue"};
  app.require_subcommand(0, 1);
  Arguments a;
  app.add_subcommand("serve", "the worker: poll SQS, grade, publish (default)");
  add_grade(app, a);
  add_grade_all(app, a);
  auto* check = app.add_subcommand(
      "check-config", "validate the environment, print the banner, check the dependencies answer");
  check->add_flag("--no-connect", a.no_connect,
                  "only the configuration: do not contact PostgreSQL, S3 and SQS");
  add_pit(app, a);
  app.add_subcommand("migrate", "apply the schema migrations the database lacks (idempotent)");
  add_enqueue(app, a);
  add_regrade(app, a);
  app.add_subcommand("version", "print the version");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return e.get_exit_code() == 0 ? 0 : 2;  // usage errors exit 2
  }
  return dispatch(app, a);
}

}  // namespace runner::cli
