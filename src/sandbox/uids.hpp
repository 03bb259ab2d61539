#pragma once
// The unprivileged host uids of job slots, and what is done to a uid when its job ends.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace runner::sandbox::uids {

// The job's uid and gid (on the host) for `slot`: 200000 + slot. In `full` it is uid 1000 inside
// the user namespace; in `basic` the job runs as it directly.
uid_t job_uid(int slot);
// `full` only: the host uid that is root inside the job's user namespace while the sandbox is set
// up (300000 + slot). It owns no file anywhere and has no capability outside the namespace.
uid_t setup_uid(int slot);

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
