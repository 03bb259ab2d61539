#pragma once
// The job pool of `runner grade-all`: each submission graded by the core on a job slot of its
// own, N at once, and the batch's outputs (results.csv, report.html) made from the feedback.
#include <atomic>
#include <filesystem>
#include <functional>
#include <vector>

#include "archive/extract.hpp"
#include "batch/inputs.hpp"
#include "batch/report_html.hpp"
#include "drivers/driver.hpp"
#include "exec/launcher.hpp"
#include "grading/verdict.hpp"
#include "pit/pit.hpp"

namespace runner::batch {

struct BatchContext {
  const pit::Pit& pit;
  // One launcher per job slot (its own uid and cgroup): as many jobs run at once as there are.
  std::vector<exec::Launcher*> launchers;
  const drivers::Toolchain& tools;
  std::filesystem::path work_dir;
  archive::Limits limits;
  std::int64_t max_log_bytes = 200000;
  std::filesystem::path out_dir;  // <out>/<id>/ receives each submission's files
  // The verdict cache in <out>/.verdict-cache/ (README, "The verdict cache"); false: grade all.
  bool verdict_cache = true;
  // Set (by Ctrl-C) to start no more submissions; the running ones finish.
  const std::atomic<bool>* stop = nullptr;
  // Called one at a time (under the pool's lock), from the slot's thread.
  std::function<void(const Submission&)> on_start;
  std::function<void(const Submission&, const grading::Verdict&)> on_finish;
};

struct BatchOutcome {
  int graded = 0;
  int errors = 0;       // of them, ERROR verdicts
  int not_started = 0;  // left when `stop` was set
};

// Grades `todo` and returns what happened. Never throws for a submission: a fault around one
// (its folder cannot be zipped) is that submission's ERROR verdict, written to its feedback.json.
BatchOutcome run_batch(const std::vector<Submission>& todo, const BatchContext& context);

// Reads every feedback.json of `all` (submissions without one are left out and counted in
// info.not_graded) and (re)writes <out>/results.csv and <out>/report.html, each atomically.
// Returns the rows.
std::vector<Row> write_outputs(const std::vector<Submission>& all,
                               const std::filesystem::path& out_dir, ReportInfo info);

}  // namespace runner::batch
