// Reading a build tool's own account of a build: Maven's debug log (the mojos it ran, the
// compiler's command line and class path, the resources it copied) and Gradle's (the tasks it
// ran, the compiler arguments) plus the init script's class-path file.
#include "drivers/build_plan.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <stdexcept>

#include "drivers/testhost_driver.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

constexpr int kFormat = 1;

// Maven -X prints colour resets even in batch mode.
std::string without_ansi(const std::string& text) {
  static const std::regex escape("\x1b\\[[0-9;]*m");
  return std::regex_replace(text, escape, "");
}

bool is_plain_flag(const std::string& a) {
  static const std::array<const char*, 4> flags{"-g", "-nowarn", "-parameters", "-deprecation"};
  return std::find(flags.begin(), flags.end(), a) != flags.end() || a.starts_with("-g:") ||
         a == "-Xlint" || a.starts_with("-Xlint:");
}

bool takes_value(const std::string& a) {
  static const std::array<const char*, 6> options{"--release", "-source",  "--source",
                                                  "-target",   "--target", "-encoding"};
  return std::find(options.begin(), options.end(), a) != options.end();
}

// The runner's own: where things go, and that no annotation processor runs.
bool is_dropped_with_value(const std::string& a) {
  return a == "-d" || a == "-classpath" || a == "-cp" || a == "--class-path" ||
         a == "-sourcepath" || a == "--source-path" || a == "-s";
}

bool is_dropped_flag(const std::string& a) {
  return a.starts_with("-proc:") || a.starts_with("-implicit:") || a.ends_with(".java") ||
         a == "-XDuseUnsharedTable=true";  // Gradle's own, for its compiler daemon
}

bool is_inside(const fs::path& path, const fs::path& dir) {
  const std::string rel = path.lexically_relative(dir).generic_string();
  return !rel.empty() && !rel.starts_with("..");
}

// The entries of a class path outside the project (the project's own are its output folders).
std::vector<fs::path> jars_of(const std::string& class_path, const fs::path& project) {
  std::vector<fs::path> jars;
  for (const auto& part : util::split(util::trim(class_path), ':')) {
    if (!part.empty() && !is_inside(part, project)) jars.emplace_back(part);
  }
  return jars;
}

std::vector<fs::path> less_host_jars(std::vector<fs::path> jars) {
  std::erase_if(jars, [](const fs::path& jar) { return provided_by_host(jar); });
  return jars;
}

// The lines of a "[DEBUG] Title:" block: the following lines indented by one more space.
std::vector<std::string> maven_block(const std::vector<std::string>& lines,
                                     const std::string& title) {
  std::vector<std::string> block;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "[DEBUG] " + title) continue;
    for (std::size_t j = i + 1; j < lines.size() && lines[j].starts_with("[DEBUG]  "); ++j) {
      block.push_back(util::trim(lines[j].substr(8)));
    }
    break;
  }
  return block;
}

std::string relative_dir(const fs::path& dir, const fs::path& project) {
  return fs::path(dir).lexically_relative(project).generic_string();
}

void set_unsupported(BuildPlan& plan, const std::string& why) {
  if (plan.unsupported.empty()) plan.unsupported = why;
}

}  // namespace

ModelledOptions model_javac_options(const std::vector<std::string>& arguments) {
  ModelledOptions out;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& a = arguments[i];
    if (a.empty() || is_dropped_flag(a)) continue;
    if (is_dropped_with_value(a)) {
      ++i;
      continue;
    }
    if (is_plain_flag(a)) {
      out.kept.push_back(a);
    } else if (takes_value(a) && i + 1 < arguments.size()) {
      out.kept.push_back(a);
      out.kept.push_back(arguments[++i]);
    } else {
      out.unsupported = "the compiler argument '" + a + "'";
      return out;
    }
  }
  return out;
}

BuildPlan parse_maven_resolution(const std::string& raw_output, const fs::path& project,
                                 const std::string& test_class_path) {
  BuildPlan plan;
  plan.tool = pit::BuildTool::Maven;
  const auto lines = util::split(without_ansi(raw_output), '\n');
  static const std::regex mojo(R"(^\[INFO\] --- ([^: ]+):([^: ]+):([^ ]+) \(([^)]*)\) @ .* ---$)");
  static const std::regex resources(
      R"(^\[DEBUG\]   \(.\) resources = \[Resource \{targetPath: null, filtering: false, FileSet )"
      R"(\{directory: (.*), PatternSet \[includes: \{\}, excludes: \{\}\]\}\}\]$)");
  int compiles = 0;
  bool resources_seen = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    std::smatch m;
    if (line.starts_with("Apache Maven ")) plan.tool_version = util::trim(line);
    if (std::regex_match(line, m, mojo)) {
      const std::string plugin = m[1], goal = m[3];
      if (plugin == "maven-compiler-plugin" && goal == "compile") {
        ++compiles;
      } else if (!(plugin == "maven-resources-plugin" && goal == "resources") &&
                 !(plugin == "maven-dependency-plugin" && goal == "build-classpath")) {
        set_unsupported(plan, "the pom runs " + plugin + ":" + goal + " (" + m[4].str() +
                                  ") while building the main code");
      }
    }
    if (line.find(" resources = [") != std::string::npos) {
      resources_seen = true;
      if (std::regex_match(line, m, resources)) {
        plan.resource_dirs.push_back(relative_dir(m[1].str(), project));
      } else {
        set_unsupported(plan, "the pom's resources are filtered, renamed or selected by patterns");
      }
    }
    if (line.starts_with("[DEBUG]   (f) fork = true") ||
        (line.starts_with("[DEBUG]   (f) compilerId = ") && !line.ends_with("= javac"))) {
      set_unsupported(plan, "the pom compiles with another compiler or in a forked one");
    }
    if (line == "[DEBUG] Command line options:" && i + 1 < lines.size()) {
      const auto modelled = model_javac_options(util::split(lines[i + 1].substr(8), ' '));
      plan.javac_options = modelled.kept;
      if (!modelled.unsupported.empty())
        set_unsupported(plan, "the pom sets " + modelled.unsupported);
    }
  }
  if (compiles != 1) {
    set_unsupported(plan, "the pom compiles the main code " + std::to_string(compiles) +
                              " times (one compile execution is modelled)");
  }
  if (!resources_seen) set_unsupported(plan, "Maven copied no resources");
  for (const auto& root : maven_block(lines, "Source roots:")) {
    const std::string rel = relative_dir(root, project);
    if (rel != "src/main/java" && rel != "target/generated-sources/annotations") {
      set_unsupported(plan, "the pom compiles sources from " + rel +
                                " (only src/main/java is "
                                "modelled)");
    }
  }
  std::string compile_path;
  for (const auto& entry : maven_block(lines, "Classpath:")) compile_path += entry + ":";
  plan.main_class_path = jars_of(compile_path, project);
  plan.test_libraries = less_host_jars(jars_of(test_class_path, project));
  if (plan.tool_version.empty()) plan.tool_version = "Apache Maven";
  return plan;
}

BuildPlan parse_gradle_resolution(const std::string& output, const fs::path& project,
                                  const std::string& class_path_file) {
  BuildPlan plan;
  plan.tool = pit::BuildTool::Gradle;
  plan.tool_version = "Gradle";
  static const std::regex task(R"(task '([^']*)')");
  const std::set<std::string> modelled_tasks{":compileJava", ":processResources", ":classes",
                                             ":runnerClasspath"};
  bool tasks_seen = false, compiled = false;
  for (const auto& line : util::split(output, '\n')) {
    const auto tasks_at = line.find("Tasks to be executed: [");
    if (tasks_at != std::string::npos) {
      tasks_seen = true;
      const std::string list = line.substr(tasks_at);
      for (std::sregex_iterator it(list.begin(), list.end(), task), end; it != end; ++it) {
        const std::string name = (*it)[1];
        if (!modelled_tasks.contains(name)) {
          set_unsupported(plan, "the build runs task " + name + " while building the main code");
        }
      }
    }
    const auto args_at = line.find("Compiler arguments: ");
    if (args_at != std::string::npos) {
      if (compiled) set_unsupported(plan, "the build compiles the main code more than once");
      compiled = true;
      const auto arguments = util::split(line.substr(args_at + 20), ' ');
      for (std::size_t i = 0; i + 1 < arguments.size(); ++i) {
        if (arguments[i] == "-classpath") plan.main_class_path = jars_of(arguments[i + 1], project);
      }
      const auto modelled = model_javac_options(arguments);
      plan.javac_options = modelled.kept;
      if (!modelled.unsupported.empty()) {
        set_unsupported(plan, "the build sets " + modelled.unsupported);
      }
    }
  }
  if (!tasks_seen) set_unsupported(plan, "Gradle printed no task graph");
  if (!compiled) set_unsupported(plan, "Gradle printed no compiler arguments");
  std::vector<fs::path> libraries;
  for (const auto& line : util::split(class_path_file, '\n')) {
    if (line.starts_with("lib ")) libraries.emplace_back(line.substr(4));
    if (line.starts_with("resources-src ")) {
      plan.resource_dirs.push_back(relative_dir(line.substr(14), project));
    }
    if (line.starts_with("java-src ") && relative_dir(line.substr(9), project) != "src/main/java") {
      set_unsupported(plan, "the build compiles sources from " +
                                relative_dir(line.substr(9), project) +
                                " (only src/main/java is modelled)");
    }
    if (line.starts_with("gradle ")) plan.tool_version = "Gradle " + line.substr(7);
  }
  plan.test_libraries = less_host_jars(libraries);
  return plan;
}

std::string plan_to_json(const BuildPlan& plan) {
  nlohmann::json j{{"format", kFormat},
                   {"tool", pit::to_string(plan.tool)},
                   {"tool_version", plan.tool_version},
                   {"unsupported", plan.unsupported},
                   {"javac_options", plan.javac_options},
                   {"resource_dirs", plan.resource_dirs},
                   {"resolve_seconds", plan.resolve_seconds}};
  for (const auto& jar : plan.main_class_path) j["main_class_path"].push_back(jar.string());
  for (const auto& jar : plan.test_libraries) j["test_libraries"].push_back(jar.string());
  return j.dump(2) + "\n";
}

BuildPlan plan_from_json(const std::string& text) {
  const auto j = nlohmann::json::parse(text);
  if (j.value("format", 0) != kFormat) throw std::runtime_error("not a build plan of format 1");
  BuildPlan plan;
  const auto tool = pit::parse_build_tool(j.at("tool").get<std::string>());
  if (!tool) throw std::runtime_error("unknown build tool in build plan");
  plan.tool = *tool;
  plan.tool_version = j.at("tool_version").get<std::string>();
  plan.unsupported = j.at("unsupported").get<std::string>();
  plan.javac_options = j.at("javac_options").get<std::vector<std::string>>();
  plan.resource_dirs = j.at("resource_dirs").get<std::vector<std::string>>();
  plan.resolve_seconds = j.value("resolve_seconds", 0.0);
  for (const auto& jar : j.value("main_class_path", nlohmann::json::array())) {
    plan.main_class_path.emplace_back(jar.get<std::string>());
  }
  for (const auto& jar : j.value("test_libraries", nlohmann::json::array())) {
    plan.test_libraries.emplace_back(jar.get<std::string>());
  }
  return plan;
}

}  // namespace runner::drivers
