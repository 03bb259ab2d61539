#pragma once
#include "drivers/driver.hpp"

namespace runner::drivers {

// The `javac` driver, fast path: the runner's test host (src/testhost) compiles and runs the
// tests in one JVM and streams signed results back (report/result_stream.hpp).
class TestHostDriver : public Driver {
 public:
  DriverResult run(const DriverInput& in) override;
};

// The JVM flags of the test host: short-run JIT and GC, class-data sharing when the toolchain
// has an archive, and no attach mechanism (an agent could rewrite the tests' classes).
std::vector<std::string> testhost_jvm_flags(const Toolchain& tools);

}  // namespace runner::drivers
