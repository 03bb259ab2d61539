#pragma once
// Finding and killing every process a job started, even those that called setsid().
#include <sys/types.h>

#include <vector>

namespace runner::exec {

// All descendants of `root` (not `root` itself), from a /proc snapshot.
std::vector<pid_t> descendants_of(pid_t root);

// SIGKILLs `root`'s process group and every descendant, repeating until none is left
// (a process may fork while we look).
void kill_tree(pid_t root);

// The runner is a child subreaper: a job's orphans are re-parented to it rather than to init,
// so they can still be found and killed. Kills every direct child of the runner that is not in
// `keep` (the job roots still running), with its descendants, and reaps them.
void kill_orphans(const std::vector<pid_t>& keep);

void become_subreaper();

}  // namespace runner::exec
