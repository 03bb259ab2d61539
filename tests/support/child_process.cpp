#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace runner::aws::testing {

namespace {
void stop(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  // Bounded wait: 50 x 50 ms, then SIGKILL.
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}
}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv,
                           std::chrono::milliseconds startup_timeout) {
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];

  std::string line;
  auto deadline = std::chrono::steady_clock::now() + startup_timeout;
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      stop(pid_);
      throw std::runtime_error("timed out waiting for " + argv[0] + " to report its port");
    }
    char buf[256];
    ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) {
      stop(pid_);
      throw std::runtime_error(argv[0] + " exited before reporting its port: " + line);
    }
    line.append(buf, static_cast<size_t>(n));
  }
  if (line.rfind("PORT ", 0) != 0) {
    stop(pid_);
    throw std::runtime_error("unexpected first line from " + argv[0] + ": " + line);
  }
  port_ = std::stoi(line.substr(5));
}

ChildProcess::~ChildProcess() {
  close(stdin_fd_);
  stop(pid_);
  close(stdout_fd_);
}

}  // namespace runner::aws::testing
