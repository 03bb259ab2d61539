#pragma once
// The isolating launchers: `full` (namespaces + cgroups) and `basic` (uid + Landlock).
#include <memory>
#include <string>
#include <vector>

#include "exec/launcher.hpp"
#include "sandbox/cgroups.hpp"
#include "sandbox/uids.hpp"

namespace runner::sandbox {

// `ids`: the slot's host uids (uids::slot_ids). `read_only`: extra host paths the job sees
// read-only (the runner's share dir and test host).
std::unique_ptr<exec::Launcher> make_full_launcher(int slot, uids::SlotIds ids,
                                                   const cgroups::Layout& layout,
                                                   const std::vector<std::string>& read_only);

// `ids.job`: the uid the slot's jobs run as. `landlock_abi` 0: no Landlock (files the uid leaves
// in /tmp, /var/tmp, /dev/shm are removed). With Landlock the job reads only beneath the system
// folders (landlock::system_readable), `read_only` (the runner's share dir and test host) and its
// job folder, and writes only to the job folder.
std::unique_ptr<exec::Launcher> make_basic_launcher(uids::SlotIds ids, int landlock_abi,
                                                    const std::vector<std::string>& read_only);

}  // namespace runner::sandbox
