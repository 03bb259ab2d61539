#include "grading/workspace.hpp"

#include <array>
#include <vector>

#include "pit/glob.hpp"
#include "util/fs.hpp"

namespace runner::grading {

namespace fs = std::filesystem;

JobDirs JobDirs::create(const fs::path& work_dir) {
  JobDirs d;
  d.root = util::make_temp_dir(work_dir, "runner-job-");
  d.project = d.root / "project";
  d.reports = d.root / "reports";
  d.classes = d.root / "classes";
  d.home = d.root / "home";
  d.tmp = d.root / "tmp";
  for (const auto& p : {d.project, d.reports, d.classes, d.home, d.tmp}) fs::create_directory(p);
  return d;
}

bool is_reserved_path(const std::string& rel) {
  // Build files: the PIT's are used, or none; a student's could run arbitrary build logic.
  static const std::array<std::string_view, 12> root_build_files{
      "pom.xml",         "build.gradle",        "build.gradle.kts",
      "settings.gradle", "settings.gradle.kts", "gradle.properties",
      "gradlew",         "gradlew.bat",         "mvnw",
      "mvnw.cmd",        "build.xml",           "init.gradle"};
  static const std::array<std::string_view, 3> root_build_dirs{".mvn/", "gradle/", "buildSrc/"};
  for (auto f : root_build_files) {
    if (rel == f) return true;
  }
  for (auto d : root_build_dirs) {
    if (rel.starts_with(d)) return true;
  }
  // Test-framework configuration found on the classpath would change how the tests run.
  const std::string leaf = fs::path(rel).filename().string();
  if (leaf == "junit-platform.properties" || leaf == "allure.properties") return true;
  // A module descriptor changes how every tool compiles and runs the tests (and breaks them).
  if (leaf == "module-info.java") return true;
  if (rel.find("META-INF/services/") != std::string::npos) return true;
  return false;
}

namespace {

void remove_protected(const pit::Pit& pit, const fs::path& project) {
  std::vector<fs::path> doomed;
  for (auto it = fs::recursive_directory_iterator(project);
       it != fs::recursive_directory_iterator(); ++it) {
    const std::string rel = util::relative_slash(it->path(), project);
    bool drop = !it->is_directory() && is_reserved_path(rel);
    for (const auto& glob : pit.protected_globs) drop = drop || pit::glob_match(glob, rel);
    if (drop) {
      doomed.push_back(it->path());
      if (it->is_directory()) it.disable_recursion_pending();
    }
  }
  for (const auto& p : doomed) fs::remove_all(p);
}

}  // namespace

void prepare_project(const fs::path& zip, const pit::Pit& pit, const archive::Limits& limits,
                     const JobDirs& dirs) {
  archive::extract_submission(zip, dirs.project, limits);
  remove_protected(pit, dirs.project);
  for (const auto& required : pit.required) {
    if (!fs::is_regular_file(dirs.project / required)) {
      throw archive::InvalidArchive("missing required file " + required);
    }
  }
  util::copy_tree_over(pit.overlay_dir, dirs.project);
}

}  // namespace runner::grading
