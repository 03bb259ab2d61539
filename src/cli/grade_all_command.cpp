// `runner grade-all`: the course staff's batch (README, "For course staff"). The batch itself is
// batch/; this file parses nothing and only wires the runtime, the signals and the printing.
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>

#include "batch/inputs.hpp"
#include "batch/progress.hpp"
#include "batch/results.hpp"
#include "batch/run_batch.hpp"
#include "cli/commands.hpp"
#include "cli/startup.hpp"

namespace runner::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<bool> stop_requested{false};

// The first Ctrl-C (or SIGTERM) starts no new submission and lets the running ones finish; the
// second quits at once. Nothing is lost either way: feedback.json is written atomically, so a
// rerun grades again whatever had not finished.
extern "C" void on_stop_signal(int) {
  if (stop_requested.exchange(true)) _exit(130);
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int terminal_width() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 100;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

// Prints progress: a bar redrawn in place on a terminal (also every half second, so the rate
// and ETA move while long submissions run), one line per finished submission otherwise.
class BatchProgress {
 public:
  BatchProgress(int total, bool tty) : tty_(tty), started_(Clock::now()) {
    tally_.total = total;
    // Also off a terminal: the ticker says "stopping" as soon as Ctrl-C comes.
    ticker_ = std::thread([this] { tick(); });
  }
  ~BatchProgress() { finish(); }

  void started() {
    std::lock_guard guard(lock_);
    tally_.running++;
    draw();
  }
  void finished(const batch::Submission& sub, const grading::Verdict& v) {
    std::lock_guard guard(lock_);
    tally_.running--;
    tally_.done++;
    tally_.by_status[grading::to_string(v.status)]++;
    if (!tty_) {
      std::cerr << batch::finished_line(tally_.done, tally_.total, sub.id,
                                        grading::to_string(v.status), v.score.score,
                                        v.score.max_score, v.execution_time)
                << std::endl;
    }
    draw();
  }
  void finish() {
    {
      std::lock_guard guard(lock_);
      if (finished_) return;
      finished_ = true;
      draw();
      if (tty_) std::cerr << "\n" << std::flush;
    }
    wake_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

 private:
  void draw() {
    if (stop_requested && !stop_said_) {
      stop_said_ = true;
      std::cerr << (tty_ ? "\r\033[K" : "")
                << "⏹ stopping: no new submissions start; waiting for " << tally_.running
                << " running (Ctrl-C again to quit now)" << std::endl;
    }
    if (!tty_) return;
    tally_.elapsed_s = std::chrono::duration<double>(Clock::now() - started_).count();
    std::cerr << "\r\033[K" << batch::progress_bar(tally_, terminal_width() - 1) << std::flush;
  }
  void tick() {
    std::unique_lock guard(lock_);
    while (!finished_) {
      wake_.wait_for(guard, std::chrono::milliseconds(500));
      if (!finished_) draw();
    }
  }

  bool tty_;
  Clock::time_point started_;
  std::mutex lock_;
  std::condition_variable wake_;
  batch::Tally tally_;
  bool finished_ = false, stop_said_ = false;
  std::thread ticker_;
};

}  // namespace

int grade_all_command(const GradeAllOptions& options) {
  const auto runtime = load_runtime(config::Purpose::Grade);
  if (!runtime) return 2;
  std::vector<batch::Submission> all;
  std::optional<pit::Pit> pit;
  try {
    all = batch::collect_submissions(options.inputs);
    pit = pit::load_pit(options.pit_dir, runtime->pit_defaults());
  } catch (const batch::InputError& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 2;
  } catch (const pit::PitError& e) {
    std::cerr << "✗ invalid PIT: " << e.what() << "\n";
    return 2;
  }
  const int jobs = options.jobs > 0
                       ? options.jobs
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  // Each slot has its own uids (RUNNER_UID_BASE + slot, + 256 + slot): 256 slots at most.
  if (jobs > 256) {
    std::cerr << "✗ --jobs: at most 256 submissions at once\n";
    return 2;
  }
  const fs::path out = options.out_dir.empty() ? fs::path("runner-out/batch") : options.out_dir;

  const batch::ResumePlan plan = batch::plan_resume(all, out);
  if (!plan.done.empty()) {
    std::cerr << "resuming: " << plan.done.size() << " already graded, " << plan.todo.size()
              << " to go\n";
  }
  std::vector<sandbox::Selection> slots;
  std::optional<drivers::Toolchain> tools;
  try {
    const int n = std::max<int>(1, std::min<int>(jobs, static_cast<int>(plan.todo.size())));
    for (int i = 0; i < n; i++) slots.push_back(runtime->launcher(i));
    tools = runtime->toolchain();
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }
  std::cerr << "grading " << plan.todo.size() << " submission" << (plan.todo.size() == 1 ? "" : "s")
            << " against " << pit->id << ", " << slots.size() << " at once (sandbox "
            << slots.front().launcher->level() << ")\n";

  install_stop_handlers();
  const auto& settings = runtime->settings();
  batch::BatchContext context{*pit,
                              {},
                              *tools,
                              settings.work_dir,
                              runtime->archive_limits(),
                              settings.max_log_bytes,
                              out,
                              !options.no_cache,
                              &stop_requested,
                              nullptr,
                              nullptr};
  for (auto& s : slots) context.launchers.push_back(s.launcher.get());
  batch::BatchOutcome outcome;
  {
    BatchProgress progress(static_cast<int>(plan.todo.size()), isatty(STDERR_FILENO));
    context.on_start = [&](const batch::Submission&) { progress.started(); };
    context.on_finish = [&](const batch::Submission& sub, const grading::Verdict& v) {
      progress.finished(sub, v);
    };
    outcome = batch::run_batch(plan.todo, context);
  }

  const auto rows = batch::write_outputs(all, out, {pit->id, pit->title, utc_now(), 0});
  std::cout << "Graded " << outcome.graded << " now, " << rows.size() << " of " << all.size()
            << " in total. Results: " << (out / "results.csv").string()
            << "   Report: " << (out / "report.html").string() << "\n";
  if (stop_requested) {
    std::cerr << "interrupted: " << outcome.not_started
              << " not started; run the same command again to resume\n";
    return 130;
  }
  return outcome.errors > 0 ? 1 : 0;
}

}  // namespace runner::cli
