// main() of the sandbox tests: the process moves itself into outer cgroups (at most 2048
// processes, 6 GiB of memory, no swap) before any test runs, so a sandbox that fails to bound a
// fork or memory bomb still cannot take the machine down. Job cgroups nest beneath these.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sandbox/cgroups.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> g_outer;  // cgroups we made (removed at exit)
std::vector<fs::path> g_parent;

bool write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

void leave_outer_cgroups() {
  for (std::size_t i = 0; i < g_outer.size(); ++i) {
    write_text(g_parent[i] / "cgroup.procs", std::to_string(getpid()));
    std::error_code ec;
    fs::remove(g_outer[i], ec);
  }
}

bool confine() {
  const auto layout = runner::sandbox::cgroups::detect();
  if (layout.memory.version == 0 || layout.pids.version == 0) {
    std::cerr << "sandbox tests: no memory/pids cgroup to confine the tests: " << layout.describe()
              << "\n";
    return false;
  }
  const std::string name = "runner-sandbox-tests-" + std::to_string(getpid());
  auto enter = [&](const runner::sandbox::cgroups::Controller& c,
                   const std::vector<std::pair<std::string, std::string>>& settings) {
    const fs::path dir = c.base / name;
    fs::create_directory(dir);
    for (const auto& [file, value] : settings) {
      const bool optional = file.find("sw") != std::string::npos;  // swappiness, memsw
      if (fs::exists(dir / file) && !write_text(dir / file, value) && !optional) return false;
    }
    g_outer.push_back(dir);
    g_parent.push_back(c.base);
    return write_text(dir / "cgroup.procs", std::to_string(getpid()));
  };
  const std::string memory = std::to_string(6LL << 30);
  const bool ok =
      enter(layout.pids, {{"pids.max", "2048"}}) &&
      enter(
          layout.memory,
          layout.memory.version == 1
              ? std::vector<std::pair<std::string, std::string>>{{"memory.limit_in_bytes", memory},
                                                                 {"memory.memsw.limit_in_bytes",
                                                                  memory},
                                                                 {"memory.swappiness", "0"}}
              : std::vector<std::pair<std::string, std::string>>{{"memory.max", memory},
                                                                 {"memory.swap.max", "0"}});
  std::atexit(leave_outer_cgroups);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  // Canary secrets must be in the process's initial environment (what /proc/<pid>/environ
  // shows), so the tests plant them by re-executing themselves once.
  if (std::getenv("RUNNER_TEST_AWS_SECRET_ACCESS_KEY") == nullptr) {
    setenv("RUNNER_TEST_AWS_SECRET_ACCESS_KEY", "canary-secret-7f3a9c", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "canary-secret-7f3a9c", 1);
    execv("/proc/self/exe", argv);
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  if (::testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();
  if (!confine()) {
    std::cerr << "sandbox tests: refusing to run without the outer cgroup (run as root)\n";
    return 1;
  }
  return RUN_ALL_TESTS();
}
