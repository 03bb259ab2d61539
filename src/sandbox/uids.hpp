#pragma once
// The unprivileged host uids of job slots, and what is done to a uid when its job ends.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace runner::sandbox::uids {

// Every runner owns kRangeSize consecutive host uids (used as gids too) from its base,
// RUNNER_UID_BASE (config::Settings::uid_base): two runners on one host whose ranges are disjoint
// can never signal, kill or read each other's jobs. Slot n (0 <= n < kMaxSlots) gets:
//   - its job uid, base + n: in `full` uid 1000 inside the user namespace; in `basic` the job
//     runs as it directly;
//   - `full` only: its setup uid, base + kMaxSlots + n, root inside the job's user namespace
//     while the sandbox is set up. It owns no file anywhere and has no capability outside the
//     namespace.
inline constexpr uid_t kDefaultBase = 200000;
inline constexpr int kMaxSlots = 256;  // RUNNER_CONCURRENCY's maximum
inline constexpr uid_t kRangeSize = 2 * kMaxSlots;

struct SlotIds {
  uid_t job = 0;
  uid_t setup = 0;
};
// Throws std::invalid_argument for a slot outside [0, kMaxSlots).
SlotIds slot_ids(uid_t base, int slot);
uid_t job_uid(int slot, uid_t base = kDefaultBase);
uid_t setup_uid(int slot, uid_t base = kDefaultBase);
// Whether `uid` is one of the kRangeSize uids from `base`.
bool in_range(uid_t base, uid_t uid);

// lchown of `root` and everything beneath it (symlinks are not followed). Throws on failure.
void chown_tree(const std::filesystem::path& root, uid_t uid, gid_t gid);

// The pids of every process whose real uid is `uid`.
std::vector<pid_t> processes_of(uid_t uid);

// SIGKILLs every process of `uid` (kill(-1) from a helper running as that uid, repeated until
// /proc shows none). Returns false if some survived the bounded attempts.
// Zombies of the uid re-parented to the runner are reaped, except `spare` (the launcher's own
// child).
bool kill_all(uid_t uid, pid_t spare = 0);

// Removes what `uid` owns beneath each of `dirs` (e.g. /tmp, /var/tmp, /dev/shm); returns the
// number of entries removed.
int remove_files_of(uid_t uid, const std::vector<std::filesystem::path>& dirs);

// Resident memory (bytes) and CPU time (clock ticks, user + system, including reaped children)
// summed over the processes of `uid`.
struct Usage {
  std::int64_t rss_bytes = 0;
  std::int64_t cpu_ticks = 0;
  int processes = 0;
};
Usage usage_of(uid_t uid);

// Bytes used by the files under `root` (allocated blocks; hard links counted once).
std::int64_t disk_usage(const std::filesystem::path& root);

}  // namespace runner::sandbox::uids
