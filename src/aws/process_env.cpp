#include "aws/process_env.hpp"

#include <unistd.h>

namespace runner::aws {

Env process_env() {
  Env env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

}  // namespace runner::aws
