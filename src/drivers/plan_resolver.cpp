#include "drivers/plan_resolver.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <regex>

#include "drivers/step.hpp"
#include "util/crypto.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

constexpr const char* kProbeClass = "src/main/java/RunnerPlanProbe.java";
constexpr const char* kProbeResource = "src/main/resources/runner-plan-probe.txt";
// Placeholders Maven's resource filtering, and Gradle's expand() and ReplaceTokens, replace: the
// probe resource comes out byte for byte only when resources are copied unchanged (a Gradle
// template naming other keys fails the probe build, which also means no plan).
std::string probe_text(pit::BuildTool tool) {
  return tool == pit::BuildTool::Maven ? "runner probe ${project.version} @project.version@\n"
                                       : "runner probe ${version} @version@\n";
}
constexpr const char* kClassPathFile = "plan-classpath.txt";

// Plans are learnt one at a time per process: two slots starting on a new PIT learn it once.
std::mutex resolving;

// What identifies an installed build tool: the files of its lib/ folder (names, sizes, times),
// found from the executable the job's PATH runs.
std::string tool_fingerprint(const std::string& executable) {
  std::string text;
  for (const char* dir : {"/usr/bin", "/bin"}) {
    std::error_code ec;
    const fs::path real = fs::canonical(fs::path(dir) / executable, ec);
    if (ec) continue;
    const fs::path lib = real.parent_path().parent_path() / "lib";
    std::vector<std::string> entries;
    for (const auto& e : fs::directory_iterator(lib, ec)) {
      std::error_code stat_ec;
      const auto size = fs::file_size(e.path(), stat_ec);
      const auto time = fs::last_write_time(e.path(), stat_ec).time_since_epoch().count();
      entries.push_back(fmt::format("{} {} {}", e.path().filename().string(), size, time));
    }
    std::sort(entries.begin(), entries.end());
    text = real.string() + "\n" + util::join(entries, "\n");
    break;
  }
  return text;
}

// The probe project: the PIT's files without its tests, one class and one resource.
void make_probe_project(const pit::Pit& pit, const workspace::JobDirs& dirs) {
  if (fs::is_directory(pit.overlay_dir))
    util::copy_tree_over(pit.overlay_dir, dirs.project, "src/test");
  fs::create_directories(dirs.project / "src/main/java");
  fs::create_directories(dirs.project / "src/main/resources");
  util::write_file(dirs.project / kProbeClass, "class RunnerPlanProbe {}\n");
  util::write_file(dirs.project / kProbeResource, probe_text(pit.build));
}

std::vector<std::string> maven_resolve_command(const Toolchain& tools,
                                               const workspace::JobDirs& dirs) {
  const std::string settings = (tools.share_dir / "maven/settings.xml").string();
  return {"mvn",
          "-X",
          "--offline",
          "--batch-mode",
          "--no-transfer-progress",
          "--settings",
          settings,
          "--global-settings",
          settings,
          "-Dmaven.compiler.proc=none",
          "compile",
          "dependency:build-classpath",
          "-Dmdep.outputFile=" + (dirs.root / kClassPathFile).string(),
          "-Dmdep.includeScope=test"};
}

std::vector<std::string> gradle_resolve_command(const Toolchain& tools,
                                                const workspace::JobDirs& dirs) {
  return {"gradle",
          "--offline",
          "--no-daemon",
          "--console=plain",
          "--debug",
          "--gradle-user-home",
          (dirs.home / ".gradle").string(),
          "--project-cache-dir",
          (dirs.home / "gradle-project-cache").string(),
          "--init-script",
          (tools.share_dir / "gradle/init.gradle").string(),
          "-PrunnerClasspathFile=" + (dirs.root / kClassPathFile).string(),
          "runnerClasspath"};
}

// Where the build tool put the probe resource: Maven's target/classes, Gradle's resources
// folder (the last "main" line of the class-path file).
fs::path copied_probe(const BuildPlan& plan, const workspace::JobDirs& dirs,
                      const std::string& class_path_file) {
  if (plan.tool == pit::BuildTool::Maven) return "project/target/classes/runner-plan-probe.txt";
  fs::path resources;
  for (const auto& line : util::split(class_path_file, '\n')) {
    if (line.starts_with("main ")) resources = line.substr(5);
  }
  return fs::path(resources).lexically_relative(dirs.root) / "runner-plan-probe.txt";
}

// Gradle's debug log starts each line with a time, a level and a logger ("21:05:58.030 [ERROR]
// [org.gradle...] "): without them its error lines read as in a plain build.
std::string without_log_prefixes(const std::string& text) {
  static const std::regex prefix(R"((^|\n)\d\d:\d\d:\d\d\.\d+ \[\w+\] \[[^\]]*\] )");
  return std::regex_replace(text, prefix, "$1");
}

struct Resolution {
  std::optional<BuildPlan> plan;  // nullopt: could not finish (not cached)
  std::string why_not;
};

Resolution run_resolution(const PlanContext& c, const workspace::JobDirs& dirs) {
  const bool maven = c.pit.build == pit::BuildTool::Maven;
  exec::TextCapture output(16 << 20);  // a debug log: the compiler's line is in the middle
  const DriverInput in{c.pit,   dirs,
                       c.tools, c.launcher,
                       output,  exec::Clock::now() + std::chrono::milliseconds(c.pit.timeout_ms),
                       nullptr};
  exec::JobLimits limits = job_limits(c.pit);
  limits.loopback_tcp = !maven;  // Gradle's client and daemon talk over loopback TCP
  const StepResult step =
      run_step(in, "learning the build plan",
               maven ? maven_resolve_command(c.tools, dirs) : gradle_resolve_command(c.tools, dirs),
               dirs.project, {}, limits);
  if (step.run.timed_out) return {std::nullopt, "learning it took longer than the PIT's timeout"};
  if (step.out_of_memory) return {std::nullopt, "learning it ran out of memory"};
  if (!step.run.ok()) {
    BuildPlan failed;
    failed.tool = c.pit.build;
    failed.unsupported =
        std::string(kToolFailsOnThePit) + last_error_line(without_log_prefixes(output.text()));
    while (failed.unsupported.ends_with('.')) failed.unsupported.pop_back();
    return {failed, ""};
  }
  const std::string class_path = util::read_beneath(dirs.root, kClassPathFile, 1 << 20);
  BuildPlan plan = maven ? parse_maven_resolution(output.text(), dirs.project, class_path)
                         : parse_gradle_resolution(output.text(), dirs.project, class_path);
  std::string copied;
  try {
    copied = util::read_beneath(dirs.root, copied_probe(plan, dirs, class_path), 1 << 16);
  } catch (const std::exception&) {
  }
  if (plan.resource_dirs != std::vector<std::string>{"src/main/resources"}) {
    if (plan.unsupported.empty())
      plan.unsupported = "resources come from other folders than src/main/resources";
  } else if (copied != probe_text(plan.tool) && plan.unsupported.empty()) {
    plan.unsupported = "resources are not copied unchanged (filtered, renamed or moved)";
  }
  return {plan, ""};
}

Resolution resolve(const PlanContext& c) {
  const auto started = exec::Clock::now();
  const auto dirs = workspace::JobDirs::create(c.work_dir);
  Resolution result;
  bool prepared = false;
  try {
    make_probe_project(c.pit, dirs);
    c.launcher.prepare_job(dirs.root);
    prepared = true;
    result = run_resolution(c, dirs);
  } catch (const std::exception& e) {
    result = {std::nullopt, e.what()};
  }
  try {
    if (prepared) c.launcher.release_job(dirs.root);
  } catch (const std::exception& e) {
    result = {std::nullopt, std::string("releasing the probe failed: ") + e.what()};
  }
  util::remove_tree_quietly(dirs.root);
  if (result.plan) {
    result.plan->resolve_seconds =
        std::chrono::duration<double>(exec::Clock::now() - started).count();
  }
  return result;
}

// A cached plan whose libraries are all still there (an upgrade may have removed one).
std::optional<BuildPlan> load_cached(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    BuildPlan plan = plan_from_json(util::read_file(file));
    for (const auto* jars : {&plan.main_class_path, &plan.test_libraries}) {
      for (const auto& jar : *jars) {
        if (!fs::exists(jar, ec)) return std::nullopt;
      }
    }
    return plan;
  } catch (const std::exception&) {
    return std::nullopt;  // from an older runner, or cut short: learnt again
  }
}

void store(const fs::path& file, const BuildPlan& plan) {
  fs::create_directories(file.parent_path());
  util::write_file_atomic(file, plan_to_json(plan));  // another worker reads the old or the new
}

std::string tool_name(pit::BuildTool tool) {
  return tool == pit::BuildTool::Maven ? "Maven" : "Gradle";
}

void log_plan(exec::OutputSink& log, const BuildPlan& plan, bool learnt) {
  if (!plan.usable()) {
    log.write("[runner] build plan not used: " + plan.unsupported + "; building with " +
              tool_name(plan.tool) + " for every submission\n");
  } else if (learnt) {
    log.write(
        fmt::format("[runner] build plan learnt from the PIT with {} in {:.1f} s; the "
                    "test host compiles and tests, {} does not run\n",
                    plan.tool_version, plan.resolve_seconds, tool_name(plan.tool)));
  } else {
    log.write(
        fmt::format("[runner] build plan ({}, cached): the test host compiles and tests, "
                    "{} does not run\n",
                    plan.tool_version, tool_name(plan.tool)));
  }
}

}  // namespace

std::string plan_key(const pit::Pit& pit, const Toolchain& tools) {
  const bool maven = pit.build == pit::BuildTool::Maven;
  util::Sha256 hash;
  hash.update("runner build plan 1\n" + pit::to_string(pit.build) + "\n");
  hash.update(tool_fingerprint(maven ? "mvn" : "gradle") + "\n");
  hash.update(tools.java_home.string() + "\n");
  std::error_code ec;
  hash.update(std::to_string(fs::file_size(tools.java_home / "lib/modules", ec)) + "\n");
  const fs::path data = tools.share_dir / (maven ? "maven/settings.xml" : "gradle/init.gradle");
  hash.update(util::sha256_file_hex(data) + "\n");
  std::vector<fs::path> files;
  if (fs::is_directory(pit.overlay_dir)) {
    for (auto it = fs::recursive_directory_iterator(pit.overlay_dir);
         it != fs::recursive_directory_iterator(); ++it) {
      if (util::relative_slash(it->path(), pit.overlay_dir) == "src/test") {
        it.disable_recursion_pending();  // the tests change nothing a plan holds
      } else if (it->is_regular_file() && !it->is_symlink()) {
        files.push_back(it->path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    hash.update(util::relative_slash(f, pit.overlay_dir) + " " + util::sha256_file_hex(f) + "\n");
  }
  return hash.finish_hex();
}

std::optional<BuildPlan> plan_for(const PlanContext& c) {
  if (c.pit.build == pit::BuildTool::Javac || c.pit.build == pit::BuildTool::Pytest ||
      !c.pit.build_plan || c.tools.plan_dir.empty()) {
    return std::nullopt;
  }
  try {
    const fs::path file = c.tools.plan_dir / (plan_key(c.pit, c.tools) + ".json");
    std::lock_guard lock(resolving);
    if (auto cached = load_cached(file)) {
      log_plan(c.log, *cached, false);
      return cached;
    }
    Resolution learnt = resolve(c);
    if (!learnt.plan) {
      c.log.write("[runner] build plan not learnt (" + learnt.why_not + "); building with " +
                  tool_name(c.pit.build) + "\n");
      return std::nullopt;
    }
    store(file, *learnt.plan);
    log_plan(c.log, *learnt.plan, true);
    return learnt.plan;
  } catch (const std::exception& e) {
    c.log.write(std::string("[runner] build plan not available (") + e.what() +
                "); building with " + tool_name(c.pit.build) + "\n");
    return std::nullopt;
  }
}

}  // namespace runner::drivers
