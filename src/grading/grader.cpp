#include "grading/grader.hpp"

#include <fmt/format.h>

#include <optional>
#include <regex>
#include <system_error>

#include "drivers/plan_resolver.hpp"
#include "grading/test_libraries.hpp"
#include "report/scoring.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"
#include "workspace/workspace.hpp"

namespace runner::grading {
namespace {

namespace fs = std::filesystem;

std::string tests_summary(const report::Score& score) {
  std::string text = fmt::format("{} of {} tests passed", score.passed, score.tests.size());
  std::vector<std::string> notes;
  // The test that was running when the job stopped is the one to look at, unless students may
  // not see it.
  for (const auto index : score.running) {
    const auto& t = score.tests[index];
    notes.push_back(t.visibility == pit::Visibility::Visible ? t.name + " was running"
                                                             : "a hidden test was running");
  }
  if (score.did_not_run > 0) notes.push_back(fmt::format("{} did not run", score.did_not_run));
  if (!notes.empty()) text += " (" + util::join(notes, ", ") + ")";
  return text;
}

// "package org.junit does not exist" in a test source: a test library the PIT's build lacks.
// The build file comes from the PIT, so no submission can cause it (a student's own main code
// importing a test library is the student's, and stays BUILD_FAILED).
std::optional<std::string> missing_test_library(const std::string& compiler_output) {
  static const std::regex missing(
      R"((src/test/[^\s:]+\.java|\(a hidden test\))[^\n]*package ([\w.]+) does not exist)");
  for (auto it = std::sregex_iterator(compiler_output.begin(), compiler_output.end(), missing);
       it != std::sregex_iterator(); ++it) {
    if (is_test_library((*it)[2].str())) return (*it)[2].str();
  }
  return std::nullopt;
}

// The run finished and not one of the PIT's tests reported: the test engines found none of
// them (methods without a @Test they know). Nothing a submission does hides every test: its
// failures are reported.
bool no_pit_test_ran(const report::Score& score, const drivers::DriverResult& built) {
  return !score.tests.empty() && built.stop_reason.empty() && score.running.empty() &&
         score.did_not_run == static_cast<int>(score.tests.size());
}

// Decides the status from what the driver saw; scores are kept only where the README's status
// table says so ("Verdicts": COMPLETED, and the passes reported before a TIMEOUT or MEMORY_LIMIT).
void conclude(Verdict& v, const drivers::DriverResult& built, const pit::Pit& pit) {
  if (built.timed_out) {
    v.status = Status::Timeout;
    v.output = fmt::format("time limit of {} s exceeded; {}", pit.timeout_ms / 1000.0,
                           tests_summary(v.score));
  } else if (built.out_of_memory) {
    v.status = Status::MemoryLimit;
    v.output =
        fmt::format("memory limit of {} MB exceeded; {}", pit.memory_mb, tests_summary(v.score));
  } else if (built.compile_failed) {
    const auto library = missing_test_library(built.compiler_output);
    v.status = library ? Status::Error : Status::BuildFailed;
    v.output = library ? "the PIT's tests do not compile: package " + *library +
                             " does not exist (for staff: the PIT's build lacks that test "
                             "library; `runner pit check <pit> --solution <zip>` shows it)"
                       : built.compiler_output;
    report::zero_all(v.score);
  } else if (!built.tool_failure.empty()) {
    v.status = Status::Error;
    v.output = built.tool_failure;
    report::zero_all(v.score);
  } else if (no_pit_test_ran(v.score, built)) {
    v.status = Status::Error;
    v.output = fmt::format(
        "none of the PIT's {} tests ran although the tests compiled and the run finished (for "
        "staff: {})",
        v.score.tests.size(), pit.rules().no_tests_hint);
    report::zero_all(v.score);
  } else {
    v.status = Status::Completed;
    v.output = tests_summary(v.score);
  }
}

// After an error mid-build the job must still be released before its folder goes.
void release_quietly(exec::Launcher& launcher, const fs::path& root, exec::LogFile& log) {
  try {
    launcher.release_job(root);
  } catch (const std::exception& e) {
    log.write(std::string("[runner] releasing the job failed: ") + e.what() + "\n");
  }
}

// A verdict the cache holds for `key` replaces the grading: `v` keeps this grading's id and
// times and says where the verdict was first given. A cache that fails is passed by.
bool take_cached(VerdictCache& cache, const std::string& key, Verdict& v, exec::LogFile& log) {
  try {
    const std::optional<std::string> stored = cache.find(key);
    if (!stored) return false;
    const auto json = nlohmann::ordered_json::parse(*stored);
    Verdict cached = v;
    read_json(json, cached);
    const auto& first_id = json.at("submission_id");
    cached.cached_from =
        CacheOrigin{first_id.is_null() ? std::nullopt : std::optional(first_id.get<std::string>()),
                    json.at("finished_at").get<std::string>(), cached.execution_time};
    v = std::move(cached);
    log.write(
        fmt::format("[runner] identical to submission {} graded at {}: its verdict is "
                    "given again (verdict cache)\n",
                    v.cached_from->submission_id.value_or("(no id)"), v.cached_from->graded_at));
    return true;
  } catch (const std::exception& e) {
    log.write(std::string("[runner] verdict cache not used: ") + e.what() + "\n");
    return false;
  }
}

void keep(VerdictCache& cache, const std::string& key, const Verdict& v, exec::LogFile& log) {
  try {
    cache.store(key, v.pit_id, to_json(v).dump());
  } catch (const std::exception& e) {
    log.write(std::string("[runner] verdict not kept in the cache: ") + e.what() + "\n");
  }
}

}  // namespace

Verdict grade(const GradeRequest& request, const GradeContext& context) {
  const auto clock_start = exec::Clock::now();
  Verdict v = start_verdict(
      request.pit, request.submission_id,
      {context.launcher.level(), context.launcher.features(drivers::job_limits(request.pit))});
  auto progress = [&](Progress p) {
    if (context.on_progress) context.on_progress(p);
  };

  fs::create_directories(request.out_dir);
  exec::LogFile log(request.out_dir / "log.txt", context.max_log_bytes);
  std::optional<workspace::JobDirs> dirs;
  std::optional<std::string> key;
  bool job_prepared = false;
  try {
    progress(Progress::Preparing);
    // Learnt once per PIT (cached); the first submission pays for it, outside its time limit.
    const auto plan =
        drivers::plan_for({request.pit, context.tools, context.launcher, context.work_dir, log});
    dirs = workspace::JobDirs::create(context.work_dir);
    // The clock starts with the build: extraction is bounded by the archive limits instead.
    const auto deadline = exec::Clock::now() + std::chrono::milliseconds(request.pit.timeout_ms);
    const std::string tree =
        workspace::prepare_project(request.zip, request.pit, context.limits, *dirs);
    if (context.cache != nullptr && request.pit.cache) {
      key = cache_key(tree, request.pit, context.launcher.level());
    }
    if (!key || !take_cached(*context.cache, *key, v, log)) {
      context.launcher.prepare_job(dirs->root);
      job_prepared = true;

      auto driver = drivers::make_driver(request.pit.build);
      drivers::DriverInput input{
          request.pit,
          *dirs,
          context.tools,
          context.launcher,
          log,
          deadline,
          [&](drivers::Stage s) {
            progress(s == drivers::Stage::Building ? Progress::Building : Progress::Testing);
          },
          plan && plan->usable() ? &*plan : nullptr};
      const drivers::DriverResult built = driver->run(input);
      job_prepared = false;
      context.launcher.release_job(dirs->root);
      progress(Progress::Scoring);

      if (!built.rejected.empty()) throw archive::InvalidArchive(built.rejected);
      v.score = report::score_tests(built.streamed_tests, request.pit, built.stop_reason,
                                    built.running_tests);
      conclude(v, built, request.pit);
    }
  } catch (const archive::InvalidArchive& e) {
    end_unscored(v, request.pit, Status::InvalidSubmission, e.what());
    log.write(std::string("[runner] invalid submission: ") + e.what() + "\n");
  } catch (const std::exception& e) {
    // An errno from the runner's own files or processes, or a sandbox that would not start:
    // the host's state, which can change. Anything else is a fault in the runner itself.
    v.host_fault = dynamic_cast<const std::system_error*>(&e) != nullptr ||
                   dynamic_cast<const exec::LaunchError*>(&e) != nullptr;
    end_unscored(v, request.pit, Status::Error,
                 std::string(v.host_fault ? "host error: " : "runner error: ") + e.what());
    log.write("[runner] " + v.output + "\n");
  }
  if (job_prepared) release_quietly(context.launcher, dirs->root, log);
  if (dirs) util::remove_tree_quietly(dirs->root);
  v.finished_at = std::chrono::system_clock::now();
  v.execution_time = std::chrono::duration<double>(exec::Clock::now() - clock_start).count();
  if (key && !v.cached_from && cacheable(v)) keep(*context.cache, *key, v, log);
  log.finish();
  // Written last and atomically: its presence means the grade finished (grade-all resumes by it).
  util::write_file_atomic(request.out_dir / "feedback.json", to_json(v).dump(2) + "\n");
  return v;
}

}  // namespace runner::grading
