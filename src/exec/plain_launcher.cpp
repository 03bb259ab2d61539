// Sandbox level `none`: a plain child process. No isolation, but the same contract as every
// launcher: the environment is exactly the job's, output is interleaved in order, the deadline is
// enforced, and every process is gone when run() returns.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>

#include "exec/child.hpp"
#include "exec/launcher.hpp"
#include "exec/process_tree.hpp"
#include "exec/supervise.hpp"
#include "util/unique_fd.hpp"

namespace runner::exec {
namespace {

// Job roots currently running in this process; everything else we are a parent of is an orphan.
std::mutex g_roots_mutex;
std::set<pid_t> g_live_roots;

class PlainLauncher : public Launcher {
 public:
  PlainLauncher() { become_subreaper(); }

  RunResult run(const Command& cmd, Clock::time_point deadline, OutputSink& out) override {
    const auto started = Clock::now();
    const std::string program = resolve_program(cmd.argv.at(0), cmd.env);
    util::Pipe output, errors;

    pid_t pid;
    {
      std::lock_guard lock(g_roots_mutex);
      pid = fork();
      if (pid < 0) throw LaunchError(std::string("fork: ") + std::strerror(errno));
      if (pid == 0) {
        setpgid(0, 0);
        const rlimit no_core{0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        child::enter(output.write.get(), errors.write.get(), cmd.cwd.string());
        child::exec(program, cmd.argv, cmd.env, errors.write.get());
      }
      g_live_roots.insert(pid);
    }
    setpgid(pid, pid);
    output.write.reset();
    errors.write.reset();

    const std::string failure = child::read_failure(errors.read.get());
    const bool exec_failed = !failure.empty();
    RunResult result;
    if (!exec_failed) {
      result = supervise(pid, output.read.get(), deadline, out);
    } else {
      waitpid(pid, nullptr, 0);
    }
    {
      std::lock_guard lock(g_roots_mutex);
      g_live_roots.erase(pid);
      kill_orphans(std::vector<pid_t>(g_live_roots.begin(), g_live_roots.end()));
    }
    if (exec_failed) {
      throw LaunchError("cannot run " + program + ": " + failure);
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
  }

  std::string level() const override { return "none"; }
  std::vector<std::string> features(const JobLimits&) const override {
    return {"process-tree-kill", "rlimits"};
  }
};

}  // namespace

std::unique_ptr<Launcher> make_plain_launcher() {
  return std::make_unique<PlainLauncher>();
}

}  // namespace runner::exec
