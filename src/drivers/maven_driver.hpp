#pragma once
#include "drivers/driver.hpp"

namespace runner::drivers {

class MavenDriver : public Driver {
 public:
  DriverResult run(const DriverInput& in) override;
};

}  // namespace runner::drivers
