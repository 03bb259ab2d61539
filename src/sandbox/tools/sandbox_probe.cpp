// sandbox-probe: the host probe result, and the start-up cost of a launcher level, for
// bench/sandbox_startup.sh. Not part of the runner's command line.
//
//   sandbox-probe --report
//   sandbox-probe <none|basic|full> <repeats> <program> [args...]
// runs the program `repeats` times through the level's launcher in a fresh job folder and prints
// the mean wall time per run in milliseconds.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "exec/launcher.hpp"
#include "sandbox/level.hpp"
#include "sandbox/probe.hpp"
#include "sandbox/select.hpp"

namespace {

namespace fs = std::filesystem;
using namespace runner;

class Discard : public exec::OutputSink {
 public:
  void write(std::string_view text) override { bytes += text.size(); }
  std::size_t bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--report") {
    std::cout << sandbox::probe::host().describe() << "\n";
    return 0;
  }
  if (argc < 4) {
    std::cerr << "usage: sandbox-probe --report | <none|basic|full> <repeats> <program> [args]\n";
    return 2;
  }
  const std::string level = argv[1];
  const int repeats = std::atoi(argv[2]);
  sandbox::Level requested = sandbox::Level::None;
  if (level == "full") requested = sandbox::Level::Full;
  if (level == "basic") requested = sandbox::Level::Basic;
  try {
    auto selection = sandbox::select_launcher(requested, 0);
    char templ[] = "/tmp/sandbox-probe-XXXXXX";
    const fs::path root = mkdtemp(templ);
    fs::create_directories(root / "home");
    fs::create_directories(root / "tmp");
    selection.launcher->prepare_job(root);
    exec::Command cmd;
    for (int i = 3; i < argc; ++i) cmd.argv.emplace_back(argv[i]);
    cmd.cwd = root;
    cmd.job_root = root;
    cmd.env = {"PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/bin:/bin",
               "HOME=" + (root / "home").string(), "TMPDIR=" + (root / "tmp").string(),
               "LANG=C.UTF-8"};
    int failures = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i) {
      Discard out;
      const auto r =
          selection.launcher->run(cmd, exec::Clock::now() + std::chrono::seconds(60), out);
      if (!r.ok()) ++failures;
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count() /
        repeats;
    selection.launcher->release_job(root);
    fs::remove_all(root);
    std::printf("%s %.2f ms/run (%d runs, %d failed)\n", level.c_str(), ms, repeats, failures);
    return failures == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "sandbox-probe: " << e.what() << "\n";
    return 1;
  }
}
