// Finding the cgroups the runner may use: which hierarchy (v1 or v2) has each controller, the
// runner's own cgroup in it, and whether a job cgroup can be made there.
#include <fstream>
#include <map>
#include <optional>
#include <utility>

#include "sandbox/cgroups.hpp"
#include "sandbox/cgroups_files.hpp"
#include "util/text.hpp"

namespace runner::sandbox::cgroups {
namespace {

namespace fs = std::filesystem;
using files::can_create_child;

struct Mount {
  std::string point;  // where it is mounted
  std::string root;   // the hierarchy's path mounted there ("/" unless a sub-tree)
};

// Where the cgroup filesystems are mounted: the v1 hierarchies by controller, and the v2 one.
struct Mounts {
  std::map<std::string, Mount> v1;
  std::optional<Mount> v2;
};

// The runner's own cgroups, from /proc/self/cgroup: the v1 path by controller, and the v2 path.
struct OwnCgroups {
  std::map<std::string, std::string> v1;
  std::optional<std::string> v2;
};

// Lines of mountinfo: "id parent dev root point options [optional...] - type source super".
Mounts read_mounts(const fs::path& mountinfo) {
  Mounts mounts;
  std::ifstream in(mountinfo);
  std::string line;
  while (std::getline(in, line)) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const auto fields = util::split(line.substr(0, dash), ' ');
    const auto tail = util::split(line.substr(dash + 3), ' ');
    if (fields.size() < 5 || tail.size() < 3) continue;
    if (tail[0] == "cgroup2") mounts.v2 = Mount{fields[4], fields[3]};
    if (tail[0] != "cgroup") continue;
    // A v1 hierarchy's super options name its controllers (and others, never looked up).
    for (const auto& opt : util::split(tail[2], ','))
      mounts.v1.emplace(opt, Mount{fields[4], fields[3]});
  }
  return mounts;
}

// Lines of /proc/self/cgroup: "id:controllers:path"; v2's has no controllers.
OwnCgroups read_own_cgroups(const fs::path& self_cgroup) {
  OwnCgroups own;
  std::ifstream in(self_cgroup);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controllers.empty()) own.v2 = path;
    for (const auto& c : util::split(controllers, ',')) own.v1[c] = path;
  }
  return own;
}

// `a` / `rel`, without the trailing separator an empty `rel` would add.
fs::path join(const fs::path& a, const fs::path& rel) {
  const fs::path r = rel.relative_path();
  return r.empty() ? a : (a / r).lexically_normal();
}

// The cgroup `own` (a path of /proc/self/cgroup) on `mount`, seen from `host_root`. The mount's
// root is not "/" when the cgroupfs was mounted from a sub-tree, as in containers.
fs::path beneath(const fs::path& host_root, const Mount& mount, const std::string& own) {
  std::string rel = own;
  if (mount.root != "/" && (own == mount.root || own.starts_with(mount.root + "/"))) {
    rel = own.substr(mount.root.size());
  }
  return join(join(host_root, mount.point), rel);
}

// What detect() learns from the host before it chooses: the mounts and the runner's cgroups.
struct Hierarchies {
  fs::path host_root;
  Mounts mounts;
  OwnCgroups own;
  fs::path v2_root, v2_own;  // the v2 mount and the runner's cgroup on it; empty without one

  // The runner's cgroup in the v1 hierarchy of `controller`, when there is one.
  std::optional<fs::path> v1_base(const std::string& controller) const {
    const auto mount = mounts.v1.find(controller);
    const auto path = own.v1.find(controller);
    if (mount == mounts.v1.end() || path == own.v1.end()) return std::nullopt;
    return beneath(host_root, mount->second, path->second);
  }
};

Hierarchies read_hierarchies(const Host& host) {
  Hierarchies h{host.root, read_mounts(host.mountinfo), read_own_cgroups(host.self_cgroup), {}, {}};
  if (h.mounts.v2 && h.own.v2) {
    h.v2_root = join(host.root, h.mounts.v2->point);
    h.v2_own = beneath(host.root, *h.mounts.v2, *h.own.v2);
  }
  return h;
}

// A controller left to v2, with its name there.
using WantV2 = std::vector<std::pair<Controller*, std::string>>;

// Takes the v1 hierarchy of `v1_name` for `c` when the runner can make a cgroup in it; else
// queues `c` for v2 (as `v2_name`), or says why there is none.
void resolve_on_v1(const Hierarchies& h, Controller& c, const std::string& v1_name,
                   const std::string& v2_name, WantV2& want_v2) {
  if (const auto base = h.v1_base(v1_name)) {
    if (can_create_child(*base, c.reason)) {
      c.version = 1;
      c.base = *base;
      return;
    }
  }
  if (!h.v2_root.empty()) {
    want_v2.emplace_back(&c, v2_name);
    return;
  }
  if (c.reason.empty()) {
    c.reason = "no " + v1_name +
               " controller: no cgroup v1 hierarchy has it and there is no "
               "cgroup v2 mount";
  }
}

// Sets up v2 for every controller v1 did not give, all or none (prepare_v2 checks before it
// changes anything).
void resolve_on_v2(const Hierarchies& h, const WantV2& want_v2, Layout& layout) {
  std::vector<std::string> names;
  for (const auto& [c, name] : want_v2) names.push_back(name);
  const V2Setup setup = prepare_v2(h.v2_root, h.v2_own, names);
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
void resolve_cpu_quota(const Hierarchies& h, Layout& layout) {
  if (const auto base = h.v1_base("cpu")) {
    if ((layout.cpu.version == 1 && *base == layout.cpu.base) ||
        can_create_child(*base, layout.cpu_quota.reason)) {
      layout.cpu_quota.version = 1;
      layout.cpu_quota.base = *base;
    }
  } else if (layout.cpu.version == 2) {
    layout.cpu_quota.version = 2;
    layout.cpu_quota.base = layout.cpu.base;
  } else {
    layout.cpu_quota.reason = "no cpu controller (v1 or v2) for a CPU quota";
  }
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

Layout detect(const Host& host) {
  Layout layout;
  layout.memory.name = "memory";
  layout.pids.name = "pids";
  layout.cpu.name = "cpuacct";
  layout.cpu_quota.name = "cpu";
  const Hierarchies h = read_hierarchies(host);
  // v1 first: a hybrid host binds memory, pids and cpu there, and leaves v2 empty.
  WantV2 want_v2;
  resolve_on_v1(h, layout.memory, "memory", "memory", want_v2);
  resolve_on_v1(h, layout.pids, "pids", "pids", want_v2);
  resolve_on_v1(h, layout.cpu, "cpuacct", "cpu", want_v2);
  if (!want_v2.empty()) resolve_on_v2(h, want_v2, layout);
  resolve_cpu_quota(h, layout);
  return layout;
}

}  // namespace runner::sandbox::cgroups
