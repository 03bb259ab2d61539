#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/setup.hpp"
#include "cli/summary.hpp"
#include "sandbox/select.hpp"

namespace runner::cli {

namespace fs = std::filesystem;

int grade_command(const GradeOptions& options) {
  auto settings = load_configuration(config::Purpose::Grade);
  if (!settings) return 2;
  if (!fs::is_regular_file(options.zip)) {
    std::cerr << "✗ submission not found: " << options.zip.string() << "\n";
    return 2;
  }
  std::optional<pit::Pit> pit;
  try {
    pit = pit::load_pit(options.pit_dir, pit_defaults(*settings));
  } catch (const pit::PitError& e) {
    std::cerr << "✗ invalid PIT: " << e.what() << "\n";
    return 2;
  }

  sandbox::Selection sandbox;
  std::optional<drivers::Toolchain> tools;
  try {
    sandbox =
        sandbox::select_launcher(settings->sandbox, 0, static_cast<uid_t>(settings->uid_base));
    tools = drivers::Toolchain::discover(settings->jdk_version, share_dir(), testhost_dir());
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }

  const fs::path out_dir =
      options.out_dir.empty() ? fs::path("runner-out") / options.zip.stem() : options.out_dir;
  ProgressLine progress(isatty(STDERR_FILENO) && !options.json);
  grading::GradeContext context{
      *sandbox.launcher,       *tools,
      settings->work_dir,      archive_limits(*settings),
      settings->max_log_bytes, [&](grading::Progress p) { progress.show(p); }};
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
