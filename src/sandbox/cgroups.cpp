#include "sandbox/cgroups.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "util/text.hpp"

namespace runner::sandbox::cgroups {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// 0, or the errno of the failed open/write. A missing file is created, which only a fake tree
// allows: cgroupfs refuses, so a control file the kernel lacks is still an error.
int write_file(const fs::path& file, const std::string& value, bool append = false) {
  const int fd =
      open(file.c_str(), O_WRONLY | O_CLOEXEC | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd < 0) return errno;
  const ssize_t n = write(fd, value.data(), value.size());
  const int err = n == static_cast<ssize_t>(value.size()) ? 0 : (n < 0 ? errno : EIO);
  close(fd);
  return err;
}

// One pid per write, newline-terminated (the kernel strips it; in a fake tree the lines add up).
int write_pid(const fs::path& procs, pid_t pid) {
  return write_file(procs, std::to_string(pid) + "\n", /*append=*/true);
}

std::int64_t read_int(const fs::path& file) {
  try {
    return std::stoll(read_text(file));
  } catch (...) {
    return 0;
  }
}

// "key value" lines (memory.events, cpu.stat, memory.oom_control).
std::int64_t read_key(const fs::path& file, const std::string& key) {
  std::istringstream in(read_text(file));
  std::string k;
  std::int64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
}

// Whitespace-separated words (cgroup.controllers, cgroup.subtree_control).
std::set<std::string> words(const fs::path& file) {
  std::istringstream in(read_text(file));
  std::set<std::string> out;
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

std::vector<pid_t> read_pids(const fs::path& procs) {
  std::ifstream in(procs);
  std::vector<pid_t> pids;
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

// Listed in a cgroup.procs and still there (a zombie too, until reaped). A fake tree keeps
// listing pids that are long gone.
bool exists(pid_t pid) {
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

bool owner_alive(pid_t pid) {
  return exists(pid);
}

bool can_create_child(const fs::path& base, std::string& reason) {
  const fs::path probe = base / ("runner-probe-" + std::to_string(getpid()));
  std::error_code ec;
  fs::create_directory(probe, ec);
  if (ec) {
    reason = "cannot create a cgroup in " + base.string() + ": " + ec.message();
    return false;
  }
  fs::remove(probe, ec);
  return true;
}

// `a` / `rel`, without the trailing separator an empty `rel` would add.
fs::path join(const fs::path& a, const fs::path& rel) {
  const fs::path r = rel.relative_path();
  return r.empty() ? a : (a / r).lexically_normal();
}

// The cgroup `own` (a path of /proc/self/cgroup) on the mount `point` whose root in the hierarchy
// is `mount_root` (not "/" when the cgroupfs was mounted from a sub-tree, as in containers).
fs::path beneath(const fs::path& host_root, const std::string& point, const std::string& mount_root,
                 const std::string& own) {
  std::string rel = own;
  if (mount_root != "/" && (own == mount_root || own.starts_with(mount_root + "/"))) {
    rel = own.substr(mount_root.size());
  }
  return join(join(host_root, point), rel);
}

std::string join_words(const std::vector<std::string>& names, const std::string& prefix) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : " ") + prefix + n;
  return text;
}

}  // namespace

std::string Layout::describe() const {
  std::string text;
  for (const auto* c : {&memory, &pids, &cpu}) {
    if (!text.empty()) text += ", ";
    text += c->name + (c->version ? " v" + std::to_string(c->version) : " unavailable");
  }
  return text;
}

std::vector<fs::path> Layout::bases() const {
  std::vector<fs::path> out;
  for (const auto* c : {&memory, &pids, &cpu, &cpu_quota}) {
    if (!c->version) continue;
    bool seen = false;
    for (const auto& b : out) seen = seen || b == c->base;
    if (!seen) out.push_back(c->base);
  }
  return out;
}

V2Setup prepare_v2(const fs::path& mount, const fs::path& own,
                   const std::vector<std::string>& controllers) {
  V2Setup setup;
  auto missing_in = [&](const std::set<std::string>& have) {
    std::vector<std::string> missing;
    for (const auto& c : controllers) {
      if (!have.count(c)) missing.push_back(c);
    }
    return missing;
  };
  // Already done: we are in our leaf and its parent has the controllers on for its children.
  if (own.filename() == kRunnerLeaf && own != mount &&
      missing_in(words(own.parent_path() / "cgroup.subtree_control")).empty()) {
    setup.base = own.parent_path();
    setup.leaf = own;
    return setup;
  }
  // A controller our cgroup lacks is either absent from v2 or not handed down to us.
  if (const auto missing = missing_in(words(own / "cgroup.controllers")); !missing.empty()) {
    const auto offered = words(mount / "cgroup.controllers");
    for (const auto& c : missing) {
      if (!setup.error.empty()) setup.error += "; ";
      if (offered.count(c)) {
        setup.error += "cgroup v2 controller " + c + " is not delegated to " + own.string() +
                       " (missing from its cgroup.controllers: the parent cgroup must enable it "
                       "in its cgroup.subtree_control, e.g. systemd Delegate=yes)";
      } else {
        setup.error += "cgroup v2 at " + mount.string() + " has no " + c +
                       " controller (not in its cgroup.controllers: bound to a cgroup v1 "
                       "hierarchy, not delegated to this container, or not in this kernel)";
      }
    }
    return setup;
  }
  const auto to_enable = missing_in(words(own / "cgroup.subtree_control"));
  if (!to_enable.empty()) {
    // "No internal processes": the runner (and whatever shares its cgroup) moves to a leaf.
    if (!read_pids(own / "cgroup.procs").empty()) {
      const fs::path leaf = own / kRunnerLeaf;
      std::error_code ec;
      fs::create_directory(leaf, ec);
      if (ec) {
        setup.error =
            "cannot create the runner's leaf cgroup " + leaf.string() + ": " + ec.message();
        return setup;
      }
      std::set<pid_t> moved;
      for (int round = 0; round < 20; ++round) {  // processes may fork while we move them
        bool more = false;
        for (pid_t pid : read_pids(own / "cgroup.procs")) {
          if (!moved.insert(pid).second) continue;
          more = true;
          if (const int err = write_pid(leaf / "cgroup.procs", pid); err != 0 && err != ESRCH) {
            setup.error = "cannot move pid " + std::to_string(pid) + " from " + own.string() +
                          " into " + leaf.string() + ": " + std::strerror(err);
            return setup;
          }
        }
        if (!more) break;
      }
      setup.leaf = leaf;
    }
    if (const int err = write_file(own / "cgroup.subtree_control", join_words(to_enable, "+"));
        err != 0) {
      setup.error = "cannot enable " + join_words(to_enable, "+") + " in " + own.string() +
                    "/cgroup.subtree_control: " + std::strerror(err);
      if (err == EBUSY) {
        setup.error += " (processes remain in " + own.string() +
                       ": cgroup v2 enables controllers only for cgroups without processes)";
      }
      return setup;
    }
  }
  if (!can_create_child(own, setup.error)) return setup;
  setup.base = own;
  return setup;
}

Layout detect(const Host& host) {
  Layout layout;
  layout.memory.name = "memory";
  layout.pids.name = "pids";
  layout.cpu.name = "cpuacct";
  layout.cpu_quota.name = "cpu";
  struct Mount {
    std::string point, root;
  };
  // Mount points: v1 hierarchies by controller, and the v2 one.
  std::map<std::string, Mount> v1_mounts;
  std::optional<Mount> v2_mount;
  {
    std::ifstream in(host.mountinfo);
    std::string line;
    while (std::getline(in, line)) {
      const auto dash = line.find(" - ");
      if (dash == std::string::npos) continue;
      const auto fields = util::split(line.substr(0, dash), ' ');
      const auto tail = util::split(line.substr(dash + 3), ' ');
      if (fields.size() < 5 || tail.size() < 3) continue;
      if (tail[0] == "cgroup2") v2_mount = Mount{fields[4], fields[3]};
      if (tail[0] != "cgroup") continue;
      for (const auto& opt : util::split(tail[2], ','))
        v1_mounts.emplace(opt, Mount{fields[4], fields[3]});
    }
  }
  // Our own cgroups: "id:controllers:path".
  std::map<std::string, std::string> v1_paths;
  std::optional<std::string> v2_path;
  {
    std::ifstream in(host.self_cgroup);
    std::string line;
    while (std::getline(in, line)) {
      const auto first = line.find(':');
      const auto second = line.find(':', first + 1);
      if (first == std::string::npos || second == std::string::npos) continue;
      const std::string controllers = line.substr(first + 1, second - first - 1);
      const std::string path = line.substr(second + 1);
      if (controllers.empty()) v2_path = path;
      for (const auto& c : util::split(controllers, ',')) v1_paths[c] = path;
    }
  }
  fs::path v2_root, v2_own;
  if (v2_mount && v2_path) {
    v2_root = join(host.root, v2_mount->point);
    v2_own = beneath(host.root, v2_mount->point, v2_mount->root, *v2_path);
  }
  // v1 first (a hybrid host binds memory, pids and cpu there); then v2, set up only when it can
  // give every controller v1 did not (prepare_v2 checks before it changes anything).
  std::vector<std::pair<Controller*, std::string>> want_v2;
  auto resolve = [&](Controller& c, const std::string& v1_name, const std::string& v2_name) {
    if (v1_mounts.count(v1_name) && v1_paths.count(v1_name)) {
      const auto& m = v1_mounts[v1_name];
      const fs::path base = beneath(host.root, m.point, m.root, v1_paths[v1_name]);
      if (can_create_child(base, c.reason)) {
        c.version = 1;
        c.base = base;
        return;
      }
    }
    if (!v2_root.empty()) {
      want_v2.emplace_back(&c, v2_name);
      return;
    }
    if (c.reason.empty()) {
      c.reason = "no " + v1_name +
                 " controller: no cgroup v1 hierarchy has it and there is no "
                 "cgroup v2 mount";
    }
  };
  resolve(layout.memory, "memory", "memory");
  resolve(layout.pids, "pids", "pids");
  resolve(layout.cpu, "cpuacct", "cpu");
  if (!want_v2.empty()) {
    std::vector<std::string> names;
    for (const auto& [c, name] : want_v2) names.push_back(name);
    const V2Setup setup = prepare_v2(v2_root, v2_own, names);
    layout.v2_leaf = setup.leaf;
    for (const auto& [c, name] : want_v2) {
      if (setup.base.empty()) {
        c->reason = c->reason.empty() ? setup.error : c->reason + "; " + setup.error;
        continue;
      }
      c->version = 2;
      c->base = setup.base;
      c->name = name;
      c->reason.clear();
    }
  }
  // The quota: the v1 `cpu` controller (often co-mounted with cpuacct), else v2's `cpu`.
  if (v1_mounts.count("cpu") && v1_paths.count("cpu")) {
    const auto& m = v1_mounts["cpu"];
    const fs::path base = beneath(host.root, m.point, m.root, v1_paths["cpu"]);
    if ((layout.cpu.version == 1 && base == layout.cpu.base) ||
        can_create_child(base, layout.cpu_quota.reason)) {
      layout.cpu_quota.version = 1;
      layout.cpu_quota.base = base;
    }
  } else if (layout.cpu.version == 2) {
    layout.cpu_quota.version = 2;
    layout.cpu_quota.base = layout.cpu.base;
  } else {
    layout.cpu_quota.reason = "no cpu controller (v1 or v2) for a CPU quota";
  }
  return layout;
}

std::string job_cgroup_name(int slot, pid_t owner, unsigned n) {
  return "runner-s" + std::to_string(slot) + "-" + std::to_string(owner) + "-" + std::to_string(n);
}

std::vector<fs::path> sweep_stale(const std::vector<fs::path>& bases) {
  // The owner pid of a name we make: runner-s<slot>-<pid>-<n> or runner-probe-<pid>; 0 otherwise.
  auto owner_of = [](const std::string& name) -> pid_t {
    std::vector<std::string> parts;
    std::size_t owner = 0;
    if (name.starts_with("runner-s")) {
      parts = util::split(name.substr(8), '-');
      owner = 1;
      if (parts.size() != 3) return 0;
    } else if (name.starts_with("runner-probe-")) {
      parts = {name.substr(13)};
    } else {
      return 0;
    }
    for (const auto& p : parts) {
      if (!util::parse_int(p, 0, 1LL << 32)) return 0;
    }
    return static_cast<pid_t>(util::parse_int(parts[owner], 1, (1LL << 31) - 1).value_or(0));
  };
  std::vector<fs::path> removed;
  for (const auto& base : bases) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(base, ec)) {
      if (!entry.is_directory() || entry.is_symlink()) continue;
      const fs::path dir = entry.path();
      const pid_t owner = owner_of(dir.filename().string());
      if (owner <= 0 || owner == getpid() || owner_alive(owner)) continue;
      if (!read_pids(dir / "cgroup.procs").empty()) continue;  // not ours to empty
      bool has_child = false;
      std::error_code ec2;
      for (const auto& sub : fs::directory_iterator(dir, ec2)) has_child |= sub.is_directory();
      if (has_child) continue;
      // cgroupfs removes an empty cgroup with its control files.
      if (rmdir(dir.c_str()) == 0) removed.push_back(dir);
    }
  }
  return removed;
}

void kill_members(const fs::path& dir, int version, pid_t spare) {
  if (version == 2) write_file(dir / "cgroup.kill", "1");
  // v1 (or v2 without cgroup.kill): kill members until none is left; the pids limit bounds how
  // fast they can be replaced.
  for (int round = 0; round < 200; ++round) {
    bool any = false;
    for (pid_t pid : read_pids(dir / "cgroup.procs")) {
      if (pid == spare || !exists(pid)) continue;
      any = true;
      ::kill(pid, SIGKILL);
    }
    if (!any) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(round < 10 ? 1 : 10));
  }
}

JobCgroup::JobCgroup(const Layout& layout, const std::string& name, const exec::JobLimits& limits)
    : layout_(layout) {
  std::map<fs::path, fs::path> made;  // base -> our cgroup there
  auto make = [&](const Controller& c) {
    if (const auto it = made.find(c.base); it != made.end()) return it->second;
    const fs::path dir = c.base / name;
    std::error_code ec;
    fs::create_directory(dir, ec);
    if (ec) throw std::runtime_error("cannot create cgroup " + dir.string() + ": " + ec.message());
    dirs_.push_back(dir);
    versions_.push_back(c.version);
    made[c.base] = dir;
    return dir;
  };
  auto set = [](const fs::path& dir, const std::string& file, const std::string& value) {
    if (const int err = write_file(dir / file, value); err != 0) {
      throw std::runtime_error("cannot set " + file + " = " + value + " in " + dir.string() + ": " +
                               std::strerror(err));
    }
  };
  try {
    memory_ = make(layout.memory);
    pids_ = make(layout.pids);
    cpu_ = make(layout.cpu);
    const auto memory_bytes = std::to_string(static_cast<std::int64_t>(limits.memory_mb) << 20);
    if (layout.memory.version == 1) {
      write_file(memory_ / "memory.swappiness", "0");
      set(memory_, "memory.limit_in_bytes", memory_bytes);
      if (fs::exists(memory_ / "memory.memsw.limit_in_bytes")) {
        set(memory_, "memory.memsw.limit_in_bytes", memory_bytes);
      }
    } else {
      set(memory_, "memory.max", memory_bytes);
      write_file(memory_ / "memory.swap.max", "0");  // absent without swap accounting
    }
    set(pids_, "pids.max", std::to_string(limits.max_processes));
    if (limits.cpus > 0 && layout.cpu_quota.version) {
      constexpr std::int64_t kPeriodUs = 100000;
      const auto quota = std::to_string(
          std::max<std::int64_t>(1000, std::llround(limits.cpus * static_cast<double>(kPeriodUs))));
      const fs::path dir = make(layout.cpu_quota);
      if (layout.cpu_quota.version == 1) {
        set(dir, "cpu.cfs_period_us", std::to_string(kPeriodUs));
        set(dir, "cpu.cfs_quota_us", quota);
      } else {
        set(dir, "cpu.max", quota + " " + std::to_string(kPeriodUs));
      }
    }
  } catch (...) {
    for (const auto& dir : dirs_) rmdir(dir.c_str());
    throw;
  }
}

JobCgroup::~JobCgroup() {
  kill_all();
  for (const auto& dir : dirs_) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      // EBUSY while the last members exit; ENOTEMPTY only in a fake tree (regular files).
      if (rmdir(dir.c_str()) == 0 || errno == ENOENT || errno == ENOTEMPTY) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

void JobCgroup::add(pid_t pid) {
  for (const auto& dir : dirs_) {
    if (const int err = write_pid(dir / "cgroup.procs", pid); err != 0) {
      throw std::runtime_error("cannot move the job into " + dir.string() + ": " +
                               std::strerror(err));
    }
  }
}

std::int64_t JobCgroup::cpu_usage_ns() const {
  if (layout_.cpu.version == 1) return read_int(cpu_ / "cpuacct.usage");
  return read_key(cpu_ / "cpu.stat", "usage_usec") * 1000;
}

bool JobCgroup::oom_killed() const {
  if (layout_.memory.version == 1) {
    const fs::path control = memory_ / "memory.oom_control";
    return read_key(control, "oom_kill") > 0 || read_key(control, "under_oom") > 0;
  }
  return read_key(memory_ / "memory.events", "oom_kill") > 0;
}

void JobCgroup::kill_all(pid_t spare) {
  for (std::size_t i = 0; i < dirs_.size(); ++i) kill_members(dirs_[i], versions_[i], spare);
}

}  // namespace runner::sandbox::cgroups
