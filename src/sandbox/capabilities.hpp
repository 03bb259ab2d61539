#pragma once
// The Linux capabilities `basic` needs when the runner is not root (a container's non-root user
// with file capabilities on the binary), and dropping them in a child that takes a job's uid.
#include <string>
#include <vector>

namespace runner::sandbox::capabilities {

// Names ("CAP_SETUID", ...) of what `basic` needs and this process does not have in its
// effective set: switch to the slot uids (SETUID, SETGID), hand the job folder over and back
// (CHOWN), read and remove what the job left whatever its modes (DAC_OVERRIDE, FOWNER), and
// kill the job's processes (KILL). Empty for root and for a process that has them all.
std::vector<std::string> missing_for_basic();

// In a child, right after it took a job's uid: clears every capability set (effective,
// permitted, inheritable, ambient). A process that was never uid 0 keeps its capabilities
// across setresuid(), so without this a non-root runner's child would keep CAP_KILL or
// CAP_SETUID while running as the job. Async-signal-safe (raw syscalls). False on failure.
bool drop_all();

}  // namespace runner::sandbox::capabilities
