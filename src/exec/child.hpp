#pragma once
// The first process of every job, at every sandbox level: the steps between fork() and execve()
// that all launchers share, and how a child that could not start the job tells the runner why.
// Everything here runs in a forked child of a multi-threaded runner: no locks, no allocation
// after exec's argument arrays are built.
#include <functional>
#include <string>
#include <vector>

namespace runner::exec::child {

// What a child that could not start the job writes to the error pipe.
struct Failure {
  int error = 0;
  char step[60] = {};
};

// Sends `step` and errno to `error_fd`, then _exit(127).
[[noreturn]] void fail(int error_fd, const char* step);

// Runner side: reads the error pipe until EOF (execve closed it). Empty when the job started,
// otherwise a message like "chdir to the working directory: No such file or directory".
std::string read_failure(int error_read_fd);

// The child dies with the runner, every signal is unblocked and back to its default, stdin is
// /dev/null, stdout and stderr go to `out_fd`, and the working folder is `cwd`.
void enter(int out_fd, int error_fd, const std::string& cwd);

// Marks every descriptor above 2 close-on-exec (the error pipe already is, and still reports a
// failed execve), then runs `last` when given (the sandbox's seccomp filter, which nothing but
// execve may follow; it fails the child as `last_step` when it returns false), then execs.
[[noreturn]] void exec(const std::string& program, const std::vector<std::string>& argv,
                       const std::vector<std::string>& env, int error_fd,
                       const std::function<bool()>& last = {}, const char* last_step = "");

}  // namespace runner::exec::child
