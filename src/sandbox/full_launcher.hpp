#pragma once
// The isolating launchers: `full` (namespaces + cgroups) and `basic` (uid + Landlock).
#include <memory>
#include <string>
#include <vector>

#include "exec/launcher.hpp"
#include "sandbox/cgroups.hpp"

namespace runner::sandbox {

// `read_only`: extra host paths the job sees read-only (the runner's share dir).
std::unique_ptr<exec::Launcher> make_full_launcher(int slot, const cgroups::Layout& layout,
                                                   const std::vector<std::string>& read_only);

// `landlock_abi` 0: no Landlock (files the uid leaves in /tmp, /var/tmp, /dev/shm are removed).
std::unique_ptr<exec::Launcher> make_basic_launcher(int slot, int landlock_abi);

}  // namespace runner::sandbox
