// The `javac` driver, slow path: one javac run over main and test sources, then the JUnit Platform
// console launcher on the PIT's test classes only, writing XML to the runner's own reports
// folder. Used when the test host (testhost_driver.cpp) is not built.
#include "drivers/javac_driver.hpp"

#include <fstream>

#include "drivers/step.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> java_sources(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".java") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string join_paths(const std::vector<fs::path>& paths) {
  return util::join(std::vector<std::string>(paths.begin(), paths.end()), ":");
}

}  // namespace

fs::path write_source_list(const DriverInput& in) {
  const fs::path& project = in.dirs.project;
  std::vector<fs::path> sources = java_sources(project / "src/main/java");
  const auto tests = java_sources(project / "src/test/java");
  sources.insert(sources.end(), tests.begin(), tests.end());
  // The argument file lives outside the project, like everything else the runner writes.
  const fs::path argfile = in.dirs.root / "javac-sources.txt";
  std::ofstream out(argfile);
  for (const auto& s : sources) out << '"' << s.string() << "\"\n";
  return argfile;
}

std::vector<fs::path> test_class_path(const DriverInput& in) {
  std::vector<fs::path> class_path{in.dirs.classes};
  for (const char* resources : {"src/main/resources", "src/test/resources"}) {
    if (fs::is_directory(in.dirs.project / resources))
      class_path.push_back(in.dirs.project / resources);
  }
  return class_path;
}

DriverResult JavacDriver::run(const DriverInput& in) {
  DriverResult result;
  const fs::path& project = in.dirs.project;
  const fs::path argfile = write_source_list(in);

  if (in.on_stage) in.on_stage(Stage::Building);
  // -proc:none: no annotation processor may run at compile time.
  const StepResult compile = run_step(
      in, "compiling with javac",
      {"javac", "-d", in.dirs.classes.string(), "-encoding", "UTF-8", "-proc:none", "-nowarn",
       "-Xmaxerrs", "50", "-cp", in.tools.console_launcher.string(), "@" + argfile.string()},
      project);
  result.timed_out = compile.run.timed_out;
  result.out_of_memory = compile.out_of_memory;
  if (result.timed_out || result.out_of_memory) return result;
  if (!compile.run.ok()) {
    result.compile_failed = true;
    result.compiler_output = compiler_errors(compile.output, project);
    return result;
  }

  const std::vector<fs::path> class_path = test_class_path(in);
  std::vector<std::string> argv{"java",
                                "-jar",
                                in.tools.console_launcher.string(),
                                "--disable-banner",
                                "--disable-ansi-colors",
                                "--details=tree",
                                "--exclude-engine=junit-platform-suite",
                                "--config=junit.jupiter.extensions.autodetection.enabled=false",
                                "--class-path",
                                join_paths(class_path),
                                "--reports-dir",
                                in.dirs.reports.string()};
  for (const auto& cls : in.pit.test_classes) {
    argv.push_back("--select-class");
    argv.push_back(cls);
  }
  if (in.on_stage) in.on_stage(Stage::Testing);
  result.tests_started = true;
  const StepResult test = run_step(in, "running tests with the JUnit Platform", argv, project);
  result.timed_out = test.run.timed_out;
  result.out_of_memory = test.out_of_memory;
  result.report_files = junit_reports_in(in.dirs.reports);
  return result;
}

}  // namespace runner::drivers
