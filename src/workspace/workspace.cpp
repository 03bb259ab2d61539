#include "workspace/workspace.hpp"

#include <algorithm>
#include <vector>

#include "pit/glob.hpp"
#include "util/crypto.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::workspace {

namespace fs = std::filesystem;

JobDirs JobDirs::create(const fs::path& work_dir) {
  JobDirs d;
  d.root = util::make_temp_dir(work_dir, "runner-job-");
  d.project = d.root / "project";
  d.tests = d.root / "pit-tests";
  d.classes = d.root / "classes";
  d.test_classes = d.root / "test-classes";
  d.home = d.root / "home";
  d.tmp = d.root / "tmp";
  fs::permissions(d.root, fs::perms::owner_all);  // 0700 (mkdtemp's), whatever happens to it
  for (const auto& p : {d.project, d.tests, d.classes, d.test_classes, d.home, d.tmp}) {
    fs::create_directory(p);
    fs::permissions(p, fs::perms::owner_all);  // 0700: the runner's, then the slot uid's
  }
  return d;
}

bool is_reserved_path(const pit::Pit& pit, const std::string& rel) {
  return pit.rules().is_reserved(rel);
}

namespace {

// One pass over the extracted tree. Each path relative to the project is its parent's plus its
// own name (the walk visits a folder before what it holds), so the work is linear in the size of
// the tree; fs::relative per entry re-walked every ancestor and made a deep tree quadratic. The
// archive's name and depth caps bound each path.
void remove_protected(const pit::Pit& pit, const fs::path& project) {
  std::vector<fs::path> doomed;
  std::vector<std::string> relative_at_depth;  // [d] = the path of the entry last seen at depth d
  for (auto it = fs::recursive_directory_iterator(project);
       it != fs::recursive_directory_iterator(); ++it) {
    const auto depth = static_cast<std::size_t>(it.depth());
    relative_at_depth.resize(depth + 1);
    const std::string name = it->path().filename().string();
    relative_at_depth[depth] = depth == 0 ? name : relative_at_depth[depth - 1] + "/" + name;
    const std::string& rel = relative_at_depth[depth];
    const bool is_dir = it->is_directory();
    bool drop = !is_dir && is_reserved_path(pit, rel);
    for (const auto& glob : pit.protected_globs) drop = drop || pit::glob_match(glob, rel);
    if (drop) {
      doomed.push_back(it->path());
      if (is_dir) it.disable_recursion_pending();
    }
  }
  for (const auto& p : doomed) fs::remove_all(p);
}

// The overlay over the project, except its tests (the language's tests folder): those go to
// their own folder, which no build tool is pointed at and only the test host reads.
void copy_overlay(const pit::Pit& pit, const JobDirs& dirs) {
  const std::string tests(pit.rules().tests_folder);
  util::copy_tree_over(pit.overlay_dir, dirs.project, tests);
  if (fs::is_directory(pit.overlay_dir / tests)) {
    util::copy_tree_over(pit.overlay_dir / tests, dirs.tests / tests);
  }
}

// "missing required file src/main/java/p/A.java", and where the submission has a file of that
// name instead (at the root, an Eclipse-style src/p/, a wrapper folder that was not unwrapped),
// so the student knows what to move. The tree holds only what extraction wrote: no symlinks.
std::string missing_required(const fs::path& project, const std::string& required) {
  const std::string name = fs::path(required).filename().string();
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(project);
       it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file() && it->path().filename() == name) {
      found.push_back(util::relative_slash(it->path(), project));
    }
  }
  std::string message = "missing required file " + required;
  if (found.empty()) return message;
  std::sort(found.begin(), found.end());
  const std::size_t shown = std::min<std::size_t>(found.size(), 3);
  std::vector<std::string> listed(found.begin(), found.begin() + static_cast<long>(shown));
  if (found.size() > shown) listed.push_back("…");
  return message + "; the submission has " + util::join(listed, ", ") + " instead (it must be at " +
         required + ")";
}

}  // namespace

std::string prepare_project(const fs::path& zip, const pit::Pit& pit, const archive::Limits& limits,
                            const JobDirs& dirs) {
  archive::extract_submission(zip, dirs.project, limits);
  remove_protected(pit, dirs.project);
  for (const auto& required : pit.required) {
    if (!fs::is_regular_file(dirs.project / required)) {
      throw archive::InvalidArchive(missing_required(dirs.project, required));
    }
  }
  const std::string digest = util::tree_sha256_hex(dirs.project);
  copy_overlay(pit, dirs);
  return digest;
}

}  // namespace runner::workspace
