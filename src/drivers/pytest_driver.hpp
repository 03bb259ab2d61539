#pragma once
// `build: pytest` (Python PITs): the runner's harness (share/python/runner_pytest.py) runs the
// PIT's pytest tests against the student's modules in one interpreter and streams signed results
// back, as the Java test host does (report/result_stream.hpp; docs/python.md).
#include "drivers/driver.hpp"

namespace runner::drivers {

class PytestDriver : public Driver {
 public:
  DriverResult run(const DriverInput& in) override;
};

// The harness's command line (exposed for the benchmark and tests).
std::vector<std::string> pytest_harness_argv(const DriverInput& in,
                                             const std::filesystem::path& key_file);

}  // namespace runner::drivers
