#include "support/runner_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace runner::service::testing {

RunnerProcess::RunnerProcess(const std::map<std::string, std::string>& env,
                             std::filesystem::path log_file, const std::vector<std::string>& args)
    : log_file_(std::move(log_file)) {
  std::vector<std::string> vars;
  for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::string binary = RUNNER_BINARY;
  std::vector<std::string> words = args;
  std::vector<char*> argv = {binary.data()};
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + log_file_.string());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fd);
}

RunnerProcess::~RunnerProcess() {
  if (!exit_code_) {
    kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

void RunnerProcess::signal(int sig) {
  kill(pid_, sig);
}

std::optional<int> RunnerProcess::wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string RunnerProcess::log() const {
  std::ifstream in(log_file_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace runner::service::testing
