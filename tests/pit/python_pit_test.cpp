// Python PITs (docs/python.md): tests found in tests/ by reading them, selectors in pytest's
// words, and the files a submission may never provide.
#include <gtest/gtest.h>

#include "pit/language.hpp"
#include "pit/pit.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::pit {
namespace {

namespace fs = std::filesystem;

class PythonPitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = tmp / "calc";
    fs::create_directories(dir / "overlay/tests/unit");
    util::write_file(dir / "overlay/tests/test_calc.py",
                     "import pytest\n\n"
                     "def test_adds():\n    assert True\n\n"
                     "def helper():\n    pass\n\n"
                     "@pytest.mark.parametrize('x', [1, 2])\n"
                     "def test_many(x):\n    assert x\n\n"
                     "class TestPower:\n"
                     "    def test_squares(self):\n        pass\n\n"
                     "    def setup_method(self):\n        pass\n\n"
                     "def test_after_class():\n    pass\n");
    util::write_file(dir / "overlay/tests/unit/parse_test.py",
                     "async def test_parses():\n  pass\n");
    util::write_file(dir / "overlay/tests/helpers.py", "def test_not_collected():\n  pass\n");
  }
  Pit load(const std::string& yaml) {
    util::write_file(dir / "pit.yaml", "id: calc\nlanguage: python\n" + yaml);
    return load_pit(dir, {});
  }
  std::string error(const std::string& yaml) {
    try {
      load(yaml);
      return "";
    } catch (const PitError& e) {
      return e.what();
    }
  }
  std::string file() const { return (dir / "pit.yaml").string(); }

  runner::testing::TempDir tmp;
  fs::path dir;
};

TEST_F(PythonPitTest, FindsTheTestsPytestCollects) {
  const Pit pit = load("");
  EXPECT_EQ(pit.build, BuildTool::Pytest);
  EXPECT_EQ(pit.test_classes,
            (std::vector<std::string>{"tests/test_calc.py", "tests/test_calc.py::TestPower",
                                      "tests/unit/parse_test.py"}));
  EXPECT_EQ(pit.known_tests, (std::vector<std::string>{
                                 "tests/test_calc.py#test_adds",
                                 "tests/test_calc.py#test_many",
                                 "tests/test_calc.py::TestPower#test_squares",
                                 "tests/test_calc.py#test_after_class",
                                 "tests/unit/parse_test.py#test_parses",
                             }));
}

TEST_F(PythonPitTest, SelectorsNameFilesClassesAndTests) {
  const Pit pit = load(
      "weights:\n  test_calc.py: 2\n  test_calc.py::test_adds: 5\n  TestPower::test_squares: 3\n"
      "  tests/unit/parse_test.py::test_parses: 4\n");
  EXPECT_EQ(weight_of(pit, "tests/test_calc.py", "test_adds"), 5);
  EXPECT_EQ(weight_of(pit, "tests/test_calc.py", "test_many"), 2);
  EXPECT_EQ(weight_of(pit, "tests/test_calc.py::TestPower", "test_squares"), 3);
  EXPECT_EQ(weight_of(pit, "tests/unit/parse_test.py", "test_parses"), 4);
}

TEST_F(PythonPitTest, SelectorsThatNameNothingAreErrorsWithTheClosestName) {
  EXPECT_EQ(error("weights:\n  test_calc.py::test_add: 2\n"),
            file() +
                ":4: weights: 'test_calc.py::test_add' names no test function of "
                "test_calc.py in the overlay; did you mean 'test_calc.py::test_adds'?");
  EXPECT_NE(error("weights:\n  test_calk.py::test_adds: 2\n").find("did you mean 'test_calc.py"),
            std::string::npos);
  EXPECT_EQ(error("weights:\n  CalcTest#adds: 2\n"),
            file() +
                ":4: weights: 'CalcTest#adds' is not file.py, file.py::test, Class or "
                "Class::test");
}

TEST_F(PythonPitTest, BuildMustBePytestAndTestsMustExist) {
  EXPECT_EQ(error("build: maven\n"),
            file() + ":3: build: 'maven' is not one of pytest (language: python)");
  fs::remove_all(dir / "overlay/tests");
  fs::create_directories(dir / "overlay/tests");
  EXPECT_EQ(error(""), file() +
                           ": overlay: provides no test files under tests/ (test_*.py or "
                           "*_test.py) (in overlay)");
}

TEST(PythonRules, ASubmissionNeverProvidesPytestConfigurationOrBytecode) {
  const auto& python = rules(Language::Python);
  for (const char* path :
       {"conftest.py", "src/conftest.py", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini",
        "sitecustomize.py", "__pycache__/calc.cpython-311.pyc", "calc.pyc", "evil.pth",
        "pkg.dist-info/METADATA"}) {
    EXPECT_TRUE(python.is_reserved(path)) << path;
  }
  for (const char* path : {"calculator.py", "src/calc/__init__.py", "README.md", "data.ini"}) {
    EXPECT_FALSE(python.is_reserved(path)) << path;
  }
}

}  // namespace
}  // namespace runner::pit
