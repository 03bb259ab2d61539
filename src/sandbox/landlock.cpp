#include "sandbox/landlock.hpp"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace runner::sandbox::landlock {
namespace {

namespace fs = std::filesystem;

// Constants newer than Debian 12's headers (ABI 4: network; ABI 5: ioctl; ABI 6: scopes).
constexpr std::uint64_t kAccessFsTruncate = 1ULL << 14;
constexpr std::uint64_t kAccessNetBindTcp = 1ULL << 0;
constexpr std::uint64_t kAccessNetConnectTcp = 1ULL << 1;
constexpr int kRuleNetPort = 2;  // LANDLOCK_RULE_NET_PORT
constexpr std::uint64_t kScopeAbstractUnixSocket = 1ULL << 0;
constexpr std::uint64_t kScopeSignal = 1ULL << 1;

struct RulesetAttrV6 {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;
  std::uint64_t scoped;
};

struct NetPortAttr {  // struct landlock_net_port_attr
  std::uint64_t allowed_access;
  std::uint64_t port;
};

constexpr std::uint64_t kWriteFileAccess = LANDLOCK_ACCESS_FS_WRITE_FILE;
constexpr std::uint64_t kReadAccess =
    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE;
// The rights a rule on a file (not a folder) may carry; the rest concern folders' entries.
constexpr std::uint64_t kFileAccess = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                      LANDLOCK_ACCESS_FS_READ_FILE | kAccessFsTruncate;

std::uint64_t write_access(int abi) {
  std::uint64_t access = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
                         LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
                         LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                         LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
                         LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
  if (abi >= 2) access |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) access |= kAccessFsTruncate;
  return access;
}

int add_path(int ruleset_fd, const std::string& path, std::uint64_t access) {
  const int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct stat st {};
  if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) access &= kFileAccess;
  landlock_path_beneath_attr attr{};
  attr.allowed_access = access;
  attr.parent_fd = fd;
  const long rc = syscall(SYS_landlock_add_rule, ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? 0 : -err;
}

// A new ruleset of the first `size` bytes of `attr` (older ABIs know fewer fields), close-on-exec.
// Throws std::runtime_error naming `what`.
int create_ruleset(const RulesetAttrV6& attr, std::size_t size, const char* what) {
  const long fd = syscall(SYS_landlock_create_ruleset, &attr, size, 0);
  if (fd < 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
  fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  return static_cast<int>(fd);
}

}  // namespace

int abi_version() {
  const long abi =
      syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

std::vector<std::string> system_readable() {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const char* dir : {"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                          "/proc", "/sys", "/dev"}) {
    if (fs::exists(dir, ec)) paths.emplace_back(dir);
  }
  auto beneath_listed = [&](const fs::path& target) {
    for (const auto& dir : paths) {
      const std::string prefix = fs::weakly_canonical(dir, ec).string();
      const std::string t = target.string();
      if (t == prefix || t.starts_with(prefix + "/")) return true;
    }
    return false;
  };
  // e.g. /etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf: the file itself, no more.
  for (const char* link : {"/etc/resolv.conf", "/etc/hosts", "/etc/localtime"}) {
    if (!fs::is_symlink(link, ec)) continue;
    const fs::path target = fs::canonical(link, ec);
    if (!ec && !beneath_listed(target)) paths.push_back(target.string());
  }
  return paths;
}

Ruleset prepare(const std::vector<std::string>& writable,
                const std::vector<std::string>& writable_files,
                const std::vector<std::string>& readable, bool allow_tcp) {
  Ruleset ruleset;
  ruleset.abi = abi_version();
  if (ruleset.abi == 0) return ruleset;
  RulesetAttrV6 attr{};
  attr.handled_access_fs = write_access(ruleset.abi) | kReadAccess;
  std::size_t size = sizeof(std::uint64_t);
  if (ruleset.abi >= 4) {
    if (!allow_tcp) attr.handled_access_net = kAccessNetBindTcp | kAccessNetConnectTcp;
    size = 2 * sizeof(std::uint64_t);
  }
  if (ruleset.abi >= 6) {
    attr.scoped = kScopeAbstractUnixSocket | kScopeSignal;
    size = sizeof attr;
  }
  ruleset.fd = create_ruleset(attr, size, "landlock_create_ruleset");
  for (const auto& dir : writable) {
    if (const int rc = add_path(ruleset.fd, dir, attr.handled_access_fs); rc != 0) {
      close(ruleset);
      throw std::runtime_error("landlock rule for " + dir + ": " + std::strerror(-rc));
    }
  }
  for (const auto& file : writable_files) {
    std::uint64_t access = kWriteFileAccess;
    if (ruleset.abi >= 3) access |= kAccessFsTruncate;
    add_path(ruleset.fd, file, access);  // a missing device is not fatal
  }
  for (const auto& path : readable) {
    if (const int rc = add_path(ruleset.fd, path, kReadAccess); rc != 0 && rc != -ENOENT) {
      close(ruleset);
      throw std::runtime_error("landlock rule for " + path + ": " + std::strerror(-rc));
    }
  }
  return ruleset;
}

std::pair<int, int> ephemeral_ports() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int first = 0, last = 0;
  if (!(in >> first >> last) || first < 1 || last > 65535 || first > last) return {32768, 60999};
  return {first, last};
}

Ruleset prepare_tcp(int first, int last) {
  Ruleset ruleset;
  ruleset.abi = abi_version();
  if (ruleset.abi < 4) return ruleset;
  RulesetAttrV6 attr{};
  attr.handled_access_net = kAccessNetBindTcp | kAccessNetConnectTcp;
  ruleset.fd = create_ruleset(attr, 2 * sizeof(std::uint64_t), "landlock_create_ruleset (tcp)");
  auto allow = [&](std::uint64_t access, int port) {
    NetPortAttr rule{access, static_cast<std::uint64_t>(port)};
    if (syscall(SYS_landlock_add_rule, ruleset.fd, kRuleNetPort, &rule, 0) != 0) {
      const int err = errno;
      close(ruleset);
      throw std::runtime_error("landlock tcp rule for port " + std::to_string(port) + ": " +
                               std::strerror(err));
    }
  };
  allow(kAccessNetBindTcp, 0);  // port 0: "any free port of the ephemeral range"
  for (int port = first; port <= last; ++port) allow(kAccessNetConnectTcp, port);
  return ruleset;
}

void close(Ruleset& ruleset) {
  if (ruleset.fd >= 0) ::close(ruleset.fd);
  ruleset.fd = -1;
}

bool enforce(const Ruleset& ruleset) {
  if (ruleset.fd < 0) return true;
  return syscall(SYS_landlock_restrict_self, ruleset.fd, 0) == 0;
}

}  // namespace runner::sandbox::landlock
