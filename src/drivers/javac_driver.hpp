#pragma once
#include "drivers/driver.hpp"

namespace runner::drivers {

class JavacDriver : public Driver {
 public:
  DriverResult run(const DriverInput& in) override;
};

// Writes the javac argument file listing the project's main and test sources (outside the
// project) and returns its path.
std::filesystem::path write_source_list(const DriverInput& in);

// Where the tests find classes and resources: the compiler output, then the resource folders.
std::vector<std::filesystem::path> test_class_path(const DriverInput& in);

}  // namespace runner::drivers
