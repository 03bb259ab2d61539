#include "support/shell.hpp"

#include <sys/wait.h>

#include <cstdlib>

#include "util/fs.hpp"

namespace runner::testing {

CommandResult shell(const std::filesystem::path& cwd, const std::string& command,
                    const std::filesystem::path& capture_dir) {
  const std::filesystem::path dir = capture_dir.empty() ? cwd : capture_dir;
  const std::string cmd = "cd '" + cwd.string() + "' && (" + command + ") >'" +
                          (dir / "stdout").string() + "' 2>'" + (dir / "stderr").string() + "'";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = util::read_file(dir / "stdout");
  r.err = util::read_file(dir / "stderr");
  return r;
}

}  // namespace runner::testing
