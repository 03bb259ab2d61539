#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/startup.hpp"
#include "cli/summary.hpp"
#include "drivers/plan_resolver.hpp"
#include "grading/test_libraries.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::cli {

namespace fs = std::filesystem;

namespace {

// What the build tool says of the PIT's files alone: the plan grading will use (learnt or
// cached) and the one line the resolver logged.
struct Learnt {
  std::optional<drivers::BuildPlan> plan;
  std::string said;
};

Learnt learn_plan(const app::Runtime& runtime, const pit::Pit& pit) {
  auto sandbox = runtime.launcher(0);
  const auto tools = runtime.toolchain();
  exec::TextCapture said;
  auto plan = drivers::plan_for({pit, tools, *sandbox.launcher, runtime.settings().work_dir, said});
  return {std::move(plan), util::trim(said.text())};
}

// The cause, when the build tool fails on the PIT's files alone; empty otherwise.
std::string tool_failure(const Learnt& learnt) {
  if (!learnt.plan || !learnt.plan->unsupported.starts_with(drivers::kToolFailsOnThePit)) return "";
  return learnt.plan->unsupported.substr(drivers::kToolFailsOnThePit.size());
}

// The build's test libraries (beside the test host's own JUnit 5, JUnit 4 and Hamcrest);
// nullopt when the build tool could not say.
using TestClassPath = std::optional<std::vector<fs::path>>;

// Every test-library import of the PIT's tests that the tests' class path lacks: each would
// make every grade ERROR. False when there is one.
bool check_test_imports(const app::Runtime& runtime, const pit::Pit& pit,
                        const std::vector<fs::path>& libraries) {
  std::vector<fs::path> class_path{runtime.toolchain().console_launcher};
  class_path.insert(class_path.end(), libraries.begin(), libraries.end());
  const auto missing = grading::missing_test_imports(pit, class_path);
  const std::string fix =
      pit.build == pit::BuildTool::Javac
          ? "a javac PIT's tests have JUnit 5, JUnit 4 and Hamcrest only: for another library "
            "use build: maven with it as a test dependency"
          : "add the library to the build file as a test dependency (from the offline "
            "repository)";
  for (const auto& m : missing) {
    std::cerr << fmt::format("✗ {}:{}: imports {}, which is not on the tests' class path; {}\n",
                             m.file, m.line, m.name, fix);
  }
  return missing.empty();
}

// `build_plan: false`: the build tool runs for every submission, but the PIT's build file is
// still resolved offline here, once, so a dependency the offline repository lacks is named now
// rather than in every student's log. Only a missing artifact fails the check: another failure
// of the PIT's files alone (a plugin that needs the student's code, say) may be what
// `build_plan: false` is for.
bool check_build_without_plan(const app::Runtime& runtime, const pit::Pit& pit,
                              TestClassPath& libraries) {
  const std::string tool = pit::to_string(pit.build);
  std::cout << "  build plan: off (build_plan: false): " << tool << " runs for every submission\n";
  pit::Pit resolving = pit;
  resolving.build_plan = true;
  const Learnt learnt = learn_plan(runtime, resolving);
  const std::string failure = tool_failure(learnt);
  if (failure.starts_with(drivers::kNeedsMissingArtifact)) {
    std::cerr << "✗ " << tool << " fails on the PIT's own files: " << failure << "\n";
    return false;
  }
  if (!failure.empty()) {
    std::cout << "  note: " << tool
              << " fails on the PIT's files alone (no submission): " << failure
              << "; --solution shows whether it builds with one\n";
  } else if (learnt.plan) {
    std::cout << "  the build file resolves offline\n";
    libraries = learnt.plan->test_libraries;
  } else {
    std::cout << "  " << learnt.said << "\n";
  }
  return true;
}

// Maven and Gradle PITs: learns (or reads) the build plan as grading will, and says whether
// submissions will be graded with it or with the build tool, and why. False when the PIT is
// not ready (its build fails on its own files) or the runner could not even try (no sandbox,
// no toolchain).
bool print_build_plan(const app::Runtime& runtime, const pit::Pit& pit, TestClassPath& libraries) {
  if (pit.build == pit::BuildTool::Javac) libraries.emplace();  // the test host's JUnit alone
  if (pit.build == pit::BuildTool::Javac || pit.build == pit::BuildTool::Pytest) return true;
  try {
    if (!pit.build_plan) return check_build_without_plan(runtime, pit, libraries);
    const Learnt learnt = learn_plan(runtime, pit);
    std::cout << "  " << learnt.said << "\n";
    if (const std::string failure = tool_failure(learnt); !failure.empty()) {
      // Every submission would end ERROR the same way: the PIT is not ready.
      std::cerr << "✗ " << pit::to_string(pit.build) << " fails on the PIT's own files: " << failure
                << "\n";
      return false;
    }
    if (learnt.plan) libraries = learnt.plan->test_libraries;
    if (learnt.plan && learnt.plan->usable()) {
      std::cout << "  compiler settings: " << util::join(learnt.plan->javac_options, " ") << "\n";
      std::cout << fmt::format("  libraries: {} to compile, {} for the tests\n",
                               learnt.plan->main_class_path.size(),
                               learnt.plan->test_libraries.size());
    }
    return true;
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return false;
  }
}

}  // namespace

int pit_check_command(const fs::path& pit_dir, const std::optional<fs::path>& solution) {
  const auto runtime = load_runtime(config::Purpose::Grade);
  if (!runtime) return 2;
  pit::Pit pit;
  try {
    pit = pit::load_pit(pit_dir, runtime->pit_defaults());
  } catch (const pit::PitError& e) {
    std::cerr << "✗ invalid PIT: " << e.what() << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "✓ PIT {} is valid: {} with {}, {} test(s) found in {} test class(es) or file(s), "
      "timeout {} ms, memory {} MB\n",
      pit.id, pit.rules().name, pit::to_string(pit.build), pit.known_tests.size(),
      pit.test_classes.size(), pit.timeout_ms, pit.memory_mb);
  if (!pit.rules().trust_note.empty()) std::cout << "  note: " << pit.rules().trust_note << "\n";
  if (!pit.expected_tests) {
    std::cout << "  note: expected_tests is not set: tests that never report (after the "
                 "process exits early, say) will not count as failed\n";
  } else if (static_cast<int>(pit.known_tests.size()) != *pit.expected_tests) {
    std::cout << fmt::format("  note: expected_tests is {} but {} tests were found\n",
                             *pit.expected_tests, pit.known_tests.size());
  }
  TestClassPath libraries;
  if (!print_build_plan(*runtime, pit, libraries)) return 1;
  try {
    if (pit.language == pit::Language::Java && libraries &&
        !check_test_imports(*runtime, pit, *libraries)) {
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }
  if (!solution) return 0;

  try {
    auto sandbox = runtime->launcher(0);
    const auto tools = runtime->toolchain();
    const auto& settings = runtime->settings();
    // Like `runner grade`'s default: beside the teacher, not left in the temp folder; kept only
    // when the solution falls short, to read why.
    const fs::path out = fs::path("runner-out") / ("pit-check-" + pit.id);
    util::remove_tree_quietly(out);
    grading::GradeContext context{*sandbox.launcher,
                                  tools,
                                  settings.work_dir,
                                  runtime->archive_limits(),
                                  settings.max_log_bytes,
                                  nullptr,
                                  nullptr};
    const auto verdict = [&] {
      try {
        return grading::grade({*solution, pit, std::nullopt, out}, context);
      } catch (...) {
        util::remove_tree_quietly(out);
        throw;
      }
    }();
    print_summary(std::cout, verdict, false);
    const bool full_marks = verdict.status == grading::Status::Completed &&
                            verdict.score.score == verdict.score.max_score &&
                            verdict.score.passed == static_cast<int>(verdict.score.tests.size());
    if (!full_marks) {
      std::cout << "✗ the solution does not get full marks; its log and feedback are in "
                << out.string() << "/\n";
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
