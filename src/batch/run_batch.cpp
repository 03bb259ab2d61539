#include "batch/run_batch.hpp"

#include <mutex>
#include <thread>

#include "batch/results_csv.hpp"
#include "batch/zip_folder.hpp"
#include "grading/grader.hpp"
#include "grading/verdict_cache.hpp"
#include "util/fs.hpp"

namespace runner::batch {
namespace {

namespace fs = std::filesystem;

// One submission on one slot: the core's grade, after zipping a folder submission into the out
// folder (a hidden folder, so a rerun never takes it for a submission).
grading::Verdict grade_one(const Submission& sub, exec::Launcher& launcher, const BatchContext& c) {
  const fs::path out = c.out_dir / sub.id;
  fs::path zip = sub.path;
  try {
    if (sub.is_folder) {
      fs::create_directories(c.out_dir / ".zips");
      zip = c.out_dir / ".zips" / (sub.id + ".zip");
      zip_folder(sub.path, zip);
    }
    // Shared by the batch and its reruns: the same files twice (a resubmission in the export,
    // a rerun after a PIT fix that changed nothing) are graded once.
    grading::FolderVerdictCache cache(c.out_dir / ".verdict-cache");
    grading::GradeContext context{launcher,
                                  c.tools,
                                  c.work_dir,
                                  c.limits,
                                  c.max_log_bytes,
                                  nullptr,
                                  c.verdict_cache ? &cache : nullptr};
    grading::Verdict v = grading::grade({zip, c.pit, sub.id, out}, context);
    if (sub.is_folder) fs::remove(zip);
    return v;
  } catch (const std::exception& e) {
    grading::Verdict v = grading::runner_error(sub.id, c.pit.id, e.what());
    try {
      fs::create_directories(out);
      util::write_file_atomic(out / "feedback.json", grading::to_json(v).dump(2) + "\n");
    } catch (const std::exception&) {
      // The out folder itself is failing: the verdict still reaches the caller and the count.
    }
    return v;
  }
}

}  // namespace

BatchOutcome run_batch(const std::vector<Submission>& todo, const BatchContext& c) {
  std::mutex lock;
  std::size_t next = 0;
  BatchOutcome outcome;
  auto slot = [&](exec::Launcher* launcher) {
    for (;;) {
      const Submission* sub = nullptr;
      {
        std::lock_guard guard(lock);
        if (next >= todo.size() || (c.stop && c.stop->load())) return;
        sub = &todo[next++];
        if (c.on_start) c.on_start(*sub);
      }
      const grading::Verdict v = grade_one(*sub, *launcher, c);
      std::lock_guard guard(lock);
      outcome.graded++;
      if (v.status == grading::Status::Error) outcome.errors++;
      if (c.on_finish) c.on_finish(*sub, v);
    }
  };
  std::vector<std::thread> threads;
  const std::size_t n = std::min(c.launchers.size(), todo.size());
  for (std::size_t i = 0; i < n; i++) threads.emplace_back(slot, c.launchers[i]);
  for (auto& t : threads) t.join();
  std::error_code ignored;
  fs::remove(c.out_dir / ".zips", ignored);  // only when empty: each grade removes its own ZIP
  outcome.not_started = static_cast<int>(todo.size() - next);
  return outcome;
}

std::vector<Row> write_outputs(const std::vector<Submission>& all, const fs::path& out_dir,
                               ReportInfo info) {
  std::vector<Row> rows;
  info.not_graded = 0;
  for (const auto& sub : all) {
    if (auto row = read_row(out_dir, sub.id)) {
      rows.push_back(std::move(*row));
    } else {
      info.not_graded++;
    }
  }
  fs::create_directories(out_dir);
  util::write_file_atomic(out_dir / "results.csv", results_csv(rows));
  util::write_file_atomic(out_dir / "report.html", report_html(rows, info));
  return rows;
}

}  // namespace runner::batch
