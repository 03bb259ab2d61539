#pragma once
// Starts a local test server (node or python) as a child process, waits for it to print
// "PORT <n>", and stops it when the object goes away. The child's stdin is a pipe we hold: if
// the test process dies, the pipe closes and the servers exit on their own.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace runner::aws::testing {

class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv,
                        std::chrono::milliseconds startup_timeout = std::chrono::seconds(30));
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
};

}  // namespace runner::aws::testing
