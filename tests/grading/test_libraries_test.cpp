// Which test-library imports of a PIT's tests the tests' class path lacks (pit check's static
// check; the grader's ERROR for "package org.assertj... does not exist").
#include "grading/test_libraries.hpp"

#include <gtest/gtest.h>

#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::grading {
namespace {

namespace fs = std::filesystem;

const fs::path kConsoleLauncher = "/usr/share/java/junit-platform-console-standalone.jar";

TEST(TestLibraries, KnowsTheTestLibrariesByTheirPackages) {
  EXPECT_TRUE(is_test_library("org.junit"));
  EXPECT_TRUE(is_test_library("org.junit.jupiter.api"));
  EXPECT_TRUE(is_test_library("org.assertj.core.api.Assertions"));
  EXPECT_TRUE(is_test_library("junit.framework"));
  EXPECT_FALSE(is_test_library("org.junitx"));
  EXPECT_FALSE(is_test_library("junitish.Helper"));
  EXPECT_FALSE(is_test_library("edu.uoc.Calculator"));
}

TEST(TestLibraries, NamesEachImportTheClassPathLacksWithItsFileAndLine) {
  if (!fs::exists(kConsoleLauncher)) GTEST_SKIP() << kConsoleLauncher << " is not installed";
  runner::testing::TempDir tmp;
  pit::Pit pit;
  pit.dir = tmp / "fraction";
  pit.overlay_dir = pit.dir / "overlay";
  fs::create_directories(pit.overlay_dir / "src/test/java/edu/uoc");
  util::write_file(pit.overlay_dir / "src/test/java/edu/uoc/FractionTest.java",
                   "package edu.uoc;\n"
                   "\n"
                   "import static org.assertj.core.api.Assertions.assertThat;\n"
                   "import static org.hamcrest.MatcherAssert.assertThat;\n"
                   "import static org.junit.jupiter.api.Assertions.*;\n"
                   "import org.junit.jupiter.api.*;\n"
                   "import org.junit.jupiter.api.Timeout.ThreadMode;\n"
                   "import org.junit.Assert;\n"
                   "import edu.uoc.model.Fraction;\n"
                   "import org.mockito.*;\n"
                   "\n"
                   "class FractionTest {}\n");
  const auto missing = missing_test_imports(pit, {kConsoleLauncher});
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].file, "overlay/src/test/java/edu/uoc/FractionTest.java");
  EXPECT_EQ(missing[0].line, 3);
  EXPECT_EQ(missing[0].name, "org.assertj.core.api.Assertions.assertThat");
  EXPECT_EQ(missing[1].line, 10);
  EXPECT_EQ(missing[1].name, "org.mockito.*");

  // With the libraries on the class path (as a Maven PIT's test dependencies), nothing lacks.
  const fs::path assertj = tmp / "assertj-core.jar";
  runner::testing::ZipBuilder().file("org/assertj/core/api/Assertions.class", "x").write(assertj);
  const fs::path mockito = tmp / "mockito-core.jar";
  runner::testing::ZipBuilder().file("org/mockito/Mockito.class", "x").write(mockito);
  EXPECT_TRUE(missing_test_imports(pit, {kConsoleLauncher, assertj, mockito}).empty());
}

}  // namespace
}  // namespace runner::grading
