#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/setup.hpp"
#include "cli/summary.hpp"
#include "sandbox/select.hpp"
#include "util/fs.hpp"

namespace runner::cli {

namespace fs = std::filesystem;

int pit_check_command(const fs::path& pit_dir, const std::optional<fs::path>& solution) {
  auto settings = load_configuration(config::Purpose::Grade);
  if (!settings) return 2;
  pit::Pit pit;
  try {
    pit = pit::load_pit(pit_dir, pit_defaults(*settings));
  } catch (const pit::PitError& e) {
    std::cerr << "✗ invalid PIT: " << e.what() << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "✓ PIT {} is valid: build {}, {} test class(es), {} test method(s) "
      "found, timeout {} ms, memory {} MB\n",
      pit.id, config::to_string(pit.build), pit.test_classes.size(), pit.known_tests.size(),
      pit.timeout_ms, pit.memory_mb);
  if (!pit.expected_tests) {
    std::cout << "  note: expected_tests is not set: tests that never report (after a "
                 "System.exit, say) will not count as failed\n";
  } else if (static_cast<int>(pit.known_tests.size()) != *pit.expected_tests) {
    std::cout << fmt::format("  note: expected_tests is {} but {} @Test methods were found\n",
                             *pit.expected_tests, pit.known_tests.size());
  }
  if (!solution) return 0;

  try {
    auto sandbox =
        sandbox::select_launcher(settings->sandbox, 0, static_cast<uid_t>(settings->uid_base));
    const auto tools =
        drivers::Toolchain::discover(settings->jdk_version, share_dir(), testhost_dir());
    const fs::path out = util::make_temp_dir(settings->work_dir, "runner-pit-check-");
    grading::GradeContext context{*sandbox.launcher,       tools,
                                  settings->work_dir,      archive_limits(*settings),
                                  settings->max_log_bytes, nullptr};
    const auto verdict = grading::grade({*solution, pit, std::nullopt, out}, context);
    print_summary(std::cout, verdict, false);
    const bool full_marks = verdict.status == grading::Status::Completed &&
                            verdict.score.score == verdict.score.max_score &&
                            verdict.score.passed == static_cast<int>(verdict.score.tests.size());
    if (!full_marks) {
      std::cout << "✗ the solution does not get full marks; log kept in " << out.string() << "\n";
      return 1;
    }
    util::remove_tree_quietly(out);
    std::cout << "✓ the solution gets full marks\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }
}

}  // namespace runner::cli
