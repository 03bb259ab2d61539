#pragma once
// The test libraries a PIT's Java tests may import, and whether the tests' class path has what
// they import. A test source needing a library its build lacks is the PIT's mistake (no
// submission can cause it): `runner pit check` names it before any student meets it, and a
// grade that meets it anyway is ERROR, not BUILD_FAILED (grader.cpp).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pit/pit.hpp"

namespace runner::grading {

// True for a package or class of a known test library: org.junit, org.hamcrest, org.assertj,
// org.mockito, junit (JUnit 3/4's old packages) and what is beneath them.
bool is_test_library(std::string_view name);

struct MissingImport {
  std::string
      file;  // relative to the PIT's folder: overlay/src/test/java/edu/uoc/FractionTest.java
  int line = 0;
  std::string name;  // as imported: org.assertj.core.api.Assertions.assertThat
};

// The imports of test libraries in the PIT's Java test sources (`import`, `import static`,
// `.*`) that no jar of `class_path` holds, in file and line order.
std::vector<MissingImport> missing_test_imports(
    const pit::Pit& pit, const std::vector<std::filesystem::path>& class_path);

}  // namespace runner::grading
