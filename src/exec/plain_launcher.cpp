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

#include "exec/launcher.hpp"
#include "exec/process_tree.hpp"
#include "exec/supervise.hpp"
#include "util/unique_fd.hpp"

namespace runner::exec {
namespace {

using util::UniqueFd;

constexpr unsigned kCloseRangeCloexec = 1U << 2;  // CLOSE_RANGE_CLOEXEC, Linux 5.11

// Job roots currently running in this process; everything else we are a parent of is an orphan.
std::mutex g_roots_mutex;
std::set<pid_t> g_live_roots;

[[noreturn]] void exec_child(const Command& cmd, const std::string& program, int out_fd,
                             int error_fd) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // the job dies with the runner
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);

  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0 ||
      chdir(cmd.cwd.c_str()) != 0) {
    const int err = errno;
    (void)!write(error_fd, &err, sizeof err);
    _exit(127);
  }
  std::vector<char*> argv, envp;
  for (const auto& a : cmd.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : cmd.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  // Nothing else of the runner's may leak into the job: mark every other descriptor close-on-exec
  // (error_fd already is, and stays usable to report a failed execve).
  syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec);
  execve(program.c_str(), argv.data(), envp.data());
  const int err = errno;
  (void)!write(error_fd, &err, sizeof err);
  _exit(127);
}

class PlainLauncher : public Launcher {
 public:
  PlainLauncher() { become_subreaper(); }

  RunResult run(const Command& cmd, Clock::time_point deadline, OutputSink& out) override {
    const auto started = Clock::now();
    const std::string program = resolve_program(cmd.argv.at(0), cmd.env);
    int out_pipe[2], error_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(error_pipe, O_CLOEXEC) != 0) {
      throw LaunchError(std::string("pipe: ") + std::strerror(errno));
    }
    UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
    UniqueFd error_read(error_pipe[0]), error_write(error_pipe[1]);

    pid_t pid;
    {
      std::lock_guard lock(g_roots_mutex);
      pid = fork();
      if (pid < 0) throw LaunchError(std::string("fork: ") + std::strerror(errno));
      if (pid == 0) {
        exec_child(cmd, program, out_write.get(), error_write.get());
      }
      g_live_roots.insert(pid);
    }
    setpgid(pid, pid);
    out_write.reset();
    error_write.reset();

    int exec_errno = 0;
    const bool exec_failed = read(error_read.get(), &exec_errno, sizeof exec_errno) > 0;
    RunResult result;
    if (!exec_failed) {
      result = supervise(pid, out_read.get(), deadline, out);
    } else {
      waitpid(pid, nullptr, 0);
    }
    {
      std::lock_guard lock(g_roots_mutex);
      g_live_roots.erase(pid);
      kill_orphans(std::vector<pid_t>(g_live_roots.begin(), g_live_roots.end()));
    }
    if (exec_failed) {
      throw LaunchError("cannot run " + program + ": " + std::strerror(exec_errno));
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
  }

  std::string level() const override { return "none"; }
  std::vector<std::string> features() const override { return {"process-tree-kill", "rlimits"}; }
};

}  // namespace

std::unique_ptr<Launcher> make_plain_launcher() {
  return std::make_unique<PlainLauncher>();
}

}  // namespace runner::exec
