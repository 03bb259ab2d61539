#include "sandbox/capabilities.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <utility>

namespace runner::sandbox::capabilities {
namespace {

bool effective(const __user_cap_data_struct (&data)[2], int cap) {
  return (data[cap / 32].effective & (1U << (cap % 32))) != 0;
}

}  // namespace

std::vector<std::string> missing_for_basic() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  std::vector<std::string> missing;
  static constexpr std::array<std::pair<int, const char*>, 6> kNeeded{{
      {CAP_SETUID, "CAP_SETUID"},
      {CAP_SETGID, "CAP_SETGID"},
      {CAP_CHOWN, "CAP_CHOWN"},
      {CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE"},
      {CAP_FOWNER, "CAP_FOWNER"},
      {CAP_KILL, "CAP_KILL"},
  }};
  if (syscall(SYS_capget, &header, data) != 0) {
    for (const auto& [cap, name] : kNeeded) missing.emplace_back(name);
    return missing;
  }
  for (const auto& [cap, name] : kNeeded) {
    if (!effective(data, cap)) missing.emplace_back(name);
  }
  return missing;
}

bool drop_all() {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return false;  // EINVAL: a kernel without ambient capabilities has none to clear
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  return syscall(SYS_capset, &header, data) == 0;
}

}  // namespace runner::sandbox::capabilities
