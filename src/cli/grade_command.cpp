#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/startup.hpp"
#include "cli/summary.hpp"

namespace runner::cli {

namespace fs = std::filesystem;

int grade_command(const GradeOptions& options) {
  const auto runtime = load_runtime(config::Purpose::Grade);
  if (!runtime) return 2;
  if (!fs::is_regular_file(options.zip)) {
    std::cerr << "✗ submission not found: " << options.zip.string() << "\n";
    return 2;
  }
  std::optional<pit::Pit> pit;
  try {
    pit = pit::load_pit(options.pit_dir, runtime->pit_defaults());
  } catch (const pit::PitError& e) {
    std::cerr << "✗ invalid PIT: " << e.what() << "\n";
    return 2;
  }

  sandbox::Selection sandbox;
  std::optional<drivers::Toolchain> tools;
  try {
    sandbox = runtime->launcher(0);
    tools = runtime->toolchain();
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }

  const fs::path out_dir =
      options.out_dir.empty() ? fs::path("runner-out") / options.zip.stem() : options.out_dir;
  ProgressLine progress(isatty(STDERR_FILENO) && !options.json);
  const auto& settings = runtime->settings();
  grading::GradeContext context{*sandbox.launcher,
                                *tools,
                                settings.work_dir,
                                runtime->archive_limits(),
                                settings.max_log_bytes,
                                [&](grading::Progress p) { progress.show(p); },
                                nullptr};
  const grading::Verdict verdict =
      grading::grade({options.zip, *pit, options.submission_id, out_dir}, context);
  progress.clear();

  if (options.json) {
    std::cout << grading::to_json(verdict).dump(2) << "\n";
  } else {
    print_summary(std::cout, verdict, isatty(STDOUT_FILENO));
    std::cout << "Feedback: " << (out_dir / "feedback.json").string()
              << "   Log: " << (out_dir / "log.txt").string() << "\n";
  }
  return verdict.status == grading::Status::Error ? 1 : 0;
}

}  // namespace runner::cli
