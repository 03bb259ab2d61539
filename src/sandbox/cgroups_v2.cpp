// Making the runner's cgroup v2 a parent of job cgroups (prepare_v2): the controllers must be
// delegated to it, and it may hold no process once it enables them for its children.
#include <cerrno>
#include <cstring>
#include <set>

#include "sandbox/cgroups.hpp"
#include "sandbox/cgroups_files.hpp"

namespace runner::sandbox::cgroups {
namespace {

namespace fs = std::filesystem;
using files::read_pids;
using files::words;

std::vector<std::string> missing_in(const std::vector<std::string>& controllers,
                                    const std::set<std::string>& have) {
  std::vector<std::string> missing;
  for (const auto& c : controllers) {
    if (!have.count(c)) missing.push_back(c);
  }
  return missing;
}

std::string join_words(const std::vector<std::string>& names, const std::string& prefix) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : " ") + prefix + n;
  return text;
}

// A controller `own` lacks is either absent from v2 or not handed down to it: which, for each.
std::string why_missing(const fs::path& mount, const fs::path& own,
                        const std::vector<std::string>& missing) {
  const auto offered = words(mount / "cgroup.controllers");
  std::string error;
  for (const auto& c : missing) {
    if (!error.empty()) error += "; ";
    if (offered.count(c)) {
      error += "cgroup v2 controller " + c + " is not delegated to " + own.string() +
               " (missing from its cgroup.controllers: the parent cgroup must enable it "
               "in its cgroup.subtree_control, e.g. systemd Delegate=yes)";
    } else {
      error += "cgroup v2 at " + mount.string() + " has no " + c +
               " controller (not in its cgroup.controllers: bound to a cgroup v1 "
               "hierarchy, not delegated to this container, or not in this kernel)";
    }
  }
  return error;
}

// Moves every process of `own` into `leaf` (made here); empty, or why not.
std::string move_into_leaf(const fs::path& own, const fs::path& leaf) {
  std::error_code ec;
  fs::create_directory(leaf, ec);
  if (ec) return "cannot create the runner's leaf cgroup " + leaf.string() + ": " + ec.message();
  std::set<pid_t> moved;
  for (int round = 0; round < 20; ++round) {  // processes may fork while we move them
    bool more = false;
    for (pid_t pid : read_pids(own / "cgroup.procs")) {
      if (!moved.insert(pid).second) continue;
      more = true;
      if (const int err = files::write_pid(leaf / "cgroup.procs", pid); err != 0 && err != ESRCH) {
        return "cannot move pid " + std::to_string(pid) + " from " + own.string() + " into " +
               leaf.string() + ": " + std::strerror(err);
      }
    }
    if (!more) break;
  }
  return {};
}

// Writes "+memory +pids..." to own/cgroup.subtree_control; empty, or why not.
std::string enable_for_children(const fs::path& own, const std::vector<std::string>& to_enable) {
  const int err = files::write_file(own / "cgroup.subtree_control", join_words(to_enable, "+"));
  if (err == 0) return {};
  std::string error = "cannot enable " + join_words(to_enable, "+") + " in " + own.string() +
                      "/cgroup.subtree_control: " + std::strerror(err);
  if (err == EBUSY) {
    error += " (processes remain in " + own.string() +
             ": cgroup v2 enables controllers only for cgroups without processes)";
  }
  return error;
}

}  // namespace

V2Setup prepare_v2(const fs::path& mount, const fs::path& own,
                   const std::vector<std::string>& controllers) {
  V2Setup setup;
  // Already done: we are in our leaf and its parent has the controllers on for its children.
  if (own.filename() == kRunnerLeaf && own != mount &&
      missing_in(controllers, words(own.parent_path() / "cgroup.subtree_control")).empty()) {
    setup.base = own.parent_path();
    setup.leaf = own;
    return setup;
  }
  if (const auto missing = missing_in(controllers, words(own / "cgroup.controllers"));
      !missing.empty()) {
    setup.error = why_missing(mount, own, missing);
    return setup;
  }
  const auto to_enable = missing_in(controllers, words(own / "cgroup.subtree_control"));
  if (!to_enable.empty()) {
    // "No internal processes": the runner (and whatever shares its cgroup) moves to a leaf.
    if (!read_pids(own / "cgroup.procs").empty()) {
      setup.error = move_into_leaf(own, own / kRunnerLeaf);
      if (!setup.error.empty()) return setup;
      setup.leaf = own / kRunnerLeaf;
    }
    setup.error = enable_for_children(own, to_enable);
    if (!setup.error.empty()) return setup;
  }
  if (!files::can_create_child(own, setup.error)) return setup;
  setup.base = own;
  return setup;
}

}  // namespace runner::sandbox::cgroups
