// runner: grades student code submissions (README.md lists the commands).
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return runner::cli::run(argc, argv);
}
