#pragma once
// `runner serve` (the real binary) as a child process with its own environment; output goes to
// a log file the test prints on failure.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runner::service::testing {

class RunnerProcess {
 public:
  RunnerProcess(const std::map<std::string, std::string>& env, std::filesystem::path log_file,
                const std::vector<std::string>& args = {"serve"});
  ~RunnerProcess();  // SIGKILL if still running
  RunnerProcess(const RunnerProcess&) = delete;
  RunnerProcess& operator=(const RunnerProcess&) = delete;

  void signal(int sig);
  // The exit code (128 + signal when killed), or nullopt if still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string log() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path log_file_;
};

}  // namespace runner::service::testing
