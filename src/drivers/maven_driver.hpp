#pragma once
#include "drivers/driver.hpp"

namespace runner::drivers {

class MavenDriver : public Driver {
 public:
  DriverResult run(const DriverInput& in) override;
  // The command line, also used by bench/ to time the same build by hand.
  static std::vector<std::string> command(const DriverInput& in);
};

// The last "[ERROR] ..." line of a build tool's output, for a one-line reason.
std::string last_error_line(const std::string& output);

}  // namespace runner::drivers
