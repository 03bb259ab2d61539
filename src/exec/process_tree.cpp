#include "exec/process_tree.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace runner::exec {
namespace {

// pid -> parent pid of every process visible in /proc.
std::multimap<pid_t, pid_t> children_by_parent() {
  std::multimap<pid_t, pid_t> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // Format: pid (comm) state ppid ...; comm may hold spaces and parentheses.
    const auto close = line.rfind(')');
    if (close == std::string::npos || close + 4 > line.size()) continue;
    const pid_t ppid = static_cast<pid_t>(std::atoi(line.c_str() + close + 4));
    children.emplace(ppid, static_cast<pid_t>(std::stoi(name)));
  }
  return children;
}

}  // namespace

std::vector<pid_t> descendants_of(pid_t root) {
  const auto children = children_by_parent();
  std::vector<pid_t> found;
  std::vector<pid_t> frontier{root};
  while (!frontier.empty()) {
    const pid_t parent = frontier.back();
    frontier.pop_back();
    auto [begin, end] = children.equal_range(parent);
    for (auto it = begin; it != end; ++it) {
      found.push_back(it->second);
      frontier.push_back(it->second);
    }
  }
  return found;
}

void kill_tree(pid_t root) {
  ::kill(-root, SIGKILL);
  for (int round = 0; round < 50; ++round) {
    const auto pids = descendants_of(root);
    if (pids.empty()) return;
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
  }
}

void kill_orphans(const std::vector<pid_t>& keep) {
  const pid_t self = getpid();
  for (int round = 0; round < 50; ++round) {
    const auto children = children_by_parent();
    auto [begin, end] = children.equal_range(self);
    std::vector<pid_t> orphans;
    for (auto it = begin; it != end; ++it) {
      if (std::find(keep.begin(), keep.end(), it->second) == keep.end()) {
        orphans.push_back(it->second);
      }
    }
    if (orphans.empty()) return;
    for (pid_t pid : orphans) {
      kill_tree(pid);
      ::kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
}

void become_subreaper() {
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

}  // namespace runner::exec
