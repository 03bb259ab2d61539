// PIT loading (README, "Writing a PIT"): strict parsing, errors that name the file, line and key.
#include "pit/pit.hpp"

#include <gtest/gtest.h>

#include "pit/glob.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::pit {
namespace {

namespace fs = std::filesystem;

class PitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = tmp / "calc";
    fs::create_directories(dir / "overlay/src/test/java/edu/uoc");
    util::write_file(dir / "overlay/pom.xml", "<project/>");
    util::write_file(dir / "overlay/src/test/java/edu/uoc/CalcTest.java",
                     "/* Teacher's tests. */\n// package wrong;\npackage edu.uoc;\n"
                     "class CalcTest {\n"
                     "  @Test void adds() {}\n"
                     "  @Test\n  @DisplayName(\"x\")\n  public void divides() {}\n"
                     "  @org.junit.Test public void legacy() throws Exception {}\n"
                     "  void helper() {}\n"
                     "}\n");
  }
  Pit load(const std::string& yaml) {
    util::write_file(dir / "pit.yaml", yaml);
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

TEST_F(PitTest, LoadsEveryKey) {
  const Pit pit = load(
      "id: calc\ntitle: Calc\nlanguage: java\nbuild: javac\ntimeout_ms: 5000\nmemory_mb: 512\n"
      "max_score: 10\nexpected_tests: 3\noverlay: overlay\nprotected: [\"src/test/**\", "
      "\"*.txt\"]\nrequired: [src/main/java/Calc.java]\nweights:\n  CalcTest#divides: 2\n"
      "  edu.uoc.CalcTest: 1.5\ndefault_weight: 0.5\nnetwork: true\n");
  EXPECT_EQ(pit.id, "calc");
  EXPECT_EQ(pit.title, "Calc");
  EXPECT_EQ(pit.build, pit::BuildTool::Javac);
  EXPECT_EQ(pit.timeout_ms, 5000);
  EXPECT_EQ(pit.memory_mb, 512);
  EXPECT_EQ(pit.max_score, 10);
  EXPECT_EQ(pit.expected_tests, 3);
  EXPECT_EQ(pit.protected_globs, (std::vector<std::string>{"src/test/**", "*.txt"}));
  EXPECT_EQ(pit.required, std::vector<std::string>{"src/main/java/Calc.java"});
  EXPECT_TRUE(pit.network);
  EXPECT_EQ(pit.test_classes, std::vector<std::string>{"edu.uoc.CalcTest"});
  EXPECT_EQ(pit.known_tests,
            (std::vector<std::string>{"edu.uoc.CalcTest#adds", "edu.uoc.CalcTest#divides",
                                      "edu.uoc.CalcTest#legacy"}));
  EXPECT_EQ(weight_of(pit, "edu.uoc.CalcTest", "divides"), 2);
  EXPECT_EQ(weight_of(pit, "edu.uoc.CalcTest", "adds"), 1.5);
  EXPECT_EQ(weight_of(pit, "other.Test", "adds"), 0.5);
}

TEST_F(PitTest, DefaultsComeFromSettings) {
  util::write_file(dir / "pit.yaml", "id: calc\n");
  const Pit pit = load_pit(dir, {pit::BuildTool::Maven, 7000, 256});
  EXPECT_EQ(pit.build, pit::BuildTool::Maven);
  EXPECT_EQ(pit.timeout_ms, 7000);
  EXPECT_EQ(pit.memory_mb, 256);
  EXPECT_EQ(pit.protected_globs, std::vector<std::string>{"src/test/**"});
  EXPECT_EQ(pit.default_weight, 1);
  EXPECT_FALSE(pit.network);
}

// The verdict cache keys on this digest: any file of the PIT, not only pit.yaml, changes it.
TEST_F(PitTest, FilesDigestChangesWithAnyFileOfThePit) {
  const std::string first = load("id: calc\n").files_digest;
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(load("id: calc\n").files_digest, first);
  EXPECT_NE(load("id: calc\ntitle: Calc\n").files_digest, first);
  load("id: calc\n");
  util::write_file(dir / "overlay/src/test/java/edu/uoc/CalcTest.java",
                   "package edu.uoc;\nclass CalcTest {\n  @Test void adds() {}\n}\n");
  EXPECT_NE(load("id: calc\n").files_digest, first);
}

TEST_F(PitTest, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error("id: calc\ntimeout: 5\n"),
            file() + ":2: timeout: unknown key; did you mean 'timeout_ms'?");
  EXPECT_EQ(error("id: calc\nwieghts: {}\n"),
            file() + ":2: wieghts: unknown key; did you mean 'weights'?");
  EXPECT_EQ(error("id: calc\ncolour: red\n"), file() + ":2: colour: unknown key");
  EXPECT_EQ(error("id: calc\ntimeout_ms: soon\n"),
            file() + ":2: timeout_ms: expected an integer between 1000 and 86400000, got 'soon'");
  EXPECT_EQ(error("id: calc\nbuild: ant\n"),
            file() + ":2: build: 'ant' is not one of maven, gradle, javac (language: java)");
  EXPECT_EQ(error("id: other\n"), file() + ":1: id: 'other' must equal the folder name 'calc'");
  EXPECT_EQ(error("title: x\n"), file() + ": id: required");
  EXPECT_EQ(error("id: calc\nnetwork: maybe\n"),
            file() + ":2: network: expected true or false, got 'maybe'");
  EXPECT_EQ(error("id: calc\nprotected: src/test\n"),
            file() + ":2: protected: expected a list of strings");
  EXPECT_EQ(error("id: calc\nmax_score: -1\n"), file() + ":2: max_score: must be a number >= 0");
  EXPECT_EQ(error("id: calc\nrequired: [../x]\n"),
            file() + ":2: required: '../x' must be a relative path");
  EXPECT_EQ(error("id: calc\nlanguage: cobol\n"),
            file() + ":2: language: 'cobol' is not one of java, python");
}

TEST_F(PitTest, WeightsMustNameOverlayTestClasses) {
  EXPECT_EQ(error("id: calc\nweights:\n  NopeTest#adds: 2\n"),
            file() +
                ":3: weights: 'NopeTest#adds' names none of the overlay's test classes under "
                "src/test/java");
  EXPECT_EQ(error("id: calc\nweights:\n  \"CalcTest#\": 2\n"),
            file() + ":3: weights: 'CalcTest#' is not Class or Class#method");
  EXPECT_EQ(error("id: calc\nweights:\n  CalcTest: lots\n"),
            file() + ":3: weights.CalcTest: expected a number, got 'lots'");
}

// A selector that names nothing would be a phantom failed test in every student's grade.
TEST_F(PitTest, SelectorsMustNameRealTestsAndSuggestTheClosest) {
  EXPECT_EQ(error("id: calc\nweights:\n  CalcTest#add: 2\n"),
            file() +
                ":3: weights: 'CalcTest#add' names no @Test method of CalcTest in the overlay; "
                "did you mean 'CalcTest#adds'?");
  EXPECT_EQ(error("id: calc\nweights:\n  CalcTest.adds: 2\n"),
            file() +
                ":3: weights: 'CalcTest.adds' names no test class; a method is written "
                "Class#method: did you mean 'CalcTest#adds'?");
  EXPECT_EQ(error("id: calc\nweights:\n  CalkTest#adds: 2\n"),
            file() +
                ":3: weights: 'CalkTest#adds' names none of the overlay's test classes under "
                "src/test/java; "
                "did you mean 'CalcTest#adds'?");
  EXPECT_EQ(error("id: calc\nvisibility:\n  CalcTest#helper: hidden\n"),
            file() +
                ":3: visibility: 'CalcTest#helper' names no @Test method of CalcTest in the "
                "overlay");
  EXPECT_EQ(error("id: calc\nweights:\n  edu.uoc.CalcTest#legacy: 2\n"), "");
}

// Otherwise every student gets "did not run" for every test (the class is looked up by folder).
TEST_F(PitTest, ATestWhosePackageDoesNotMatchItsFolderIsAnError) {
  util::write_file(dir / "overlay/src/test/java/edu/uoc/CalcTest.java",
                   "package edu.school;\nclass CalcTest { @Test void adds() {} }\n");
  EXPECT_EQ(error("id: calc\n"),
            file() +
                ": overlay: overlay/src/test/java/edu/uoc/CalcTest.java declares package "
                "edu.school but sits in the folder of package edu.uoc: move it to "
                "overlay/src/test/java/edu/school/CalcTest.java or fix its package line");
  util::write_file(dir / "overlay/src/test/java/edu/uoc/CalcTest.java",
                   "class CalcTest { @Test void adds() {} }\n");
  EXPECT_EQ(error("id: calc\n"),
            file() +
                ": overlay: overlay/src/test/java/edu/uoc/CalcTest.java declares no package "
                "but sits in the folder of package edu.uoc: move it to "
                "overlay/src/test/java/CalcTest.java or fix its package line");
}

TEST_F(PitTest, VisibilityByTheMostSpecificRule) {
  const Pit pit = load(
      "id: calc\ndefault_visibility: after_published\nvisibility:\n  CalcTest: visible\n"
      "  CalcTest#divides: hidden\n  CalcTest#legacy: after_due_date\n");
  EXPECT_EQ(visibility_of(pit, "edu.uoc.CalcTest", "adds"), Visibility::Visible);
  EXPECT_EQ(visibility_of(pit, "edu.uoc.CalcTest", "divides"), Visibility::Hidden);
  EXPECT_EQ(visibility_of(pit, "edu.uoc.CalcTest", "legacy"), Visibility::AfterDueDate);
  EXPECT_EQ(visibility_of(pit, "other.Test", "adds"), Visibility::AfterPublished);
  EXPECT_EQ(to_string(Visibility::AfterDueDate), "after_due_date");
  // One hidden method is enough to keep the class's source out of students' sight.
  EXPECT_FALSE(source_visible(pit, "edu.uoc.CalcTest"));
  EXPECT_EQ(hidden_test_sources(pit),
            std::vector<std::string>{"src/test/java/edu/uoc/CalcTest.java"});

  const Pit open = load("id: calc\n");
  EXPECT_EQ(visibility_of(open, "edu.uoc.CalcTest", "adds"), Visibility::Visible);
  EXPECT_TRUE(hidden_test_sources(open).empty());

  EXPECT_EQ(error("id: calc\nvisibility:\n  CalcTest: secret\n"),
            file() +
                ":3: visibility.CalcTest: 'secret' is not one of visible, hidden, "
                "after_due_date, after_published");
  EXPECT_EQ(error("id: calc\ndefault_visibility: [x]\n"),
            file() +
                ":2: default_visibility: '?' is not one of visible, hidden, "
                "after_due_date, after_published");
}

TEST_F(PitTest, BuildFilesMustComeFromThePit) {
  fs::remove(dir / "overlay/pom.xml");
  EXPECT_EQ(error("id: calc\nbuild: maven\n"),
            file() + ":2: build: maven needs overlay/pom.xml in the PIT");
  EXPECT_EQ(error("id: calc\nbuild: gradle\n"),
            file() + ":2: build: gradle needs overlay/build.gradle in the PIT");
  EXPECT_EQ(error("id: calc\nbuild: javac\n"), "");
}

// The line the mistake is on (yaml-cpp notices some a line later) and what to change.
TEST_F(PitTest, YamlErrorsNameTheLineOfTheMistakeAndWhatToChange) {
  EXPECT_EQ(error("id: calc\ntitle: x\ntimeout_ms:60000\nmemory_mb: 512\n"),
            file() +
                ":3: invalid YAML: 'timeout_ms:60000' is not `key: value`: put a space "
                "after the colon");
  EXPECT_EQ(error("id: calc\nweights:\n  CalcTest#adds: 2\n CalcTest#divides: 3\n"),
            file() +
                ":4: invalid YAML: the indentation of this line does not match the lines "
                "above it");
  EXPECT_EQ(error("id: calc\nprotected: [a, b\nmax_score: 1\n"),
            file() + ":2: invalid YAML: a [ list is not closed with ]");
  EXPECT_EQ(error("id: calc\ntitle: a: b\n"),
            file() +
                ":2: invalid YAML: a value holds ': ': put the value in quotes (title: "
                "\"a: b\")");
  EXPECT_EQ(error("id: calc\n\ttitle: x\n"),
            file() + ":2: invalid YAML: a tab in the indentation: YAML indents with spaces");
  EXPECT_EQ(error("id: calc\nweights:\n  CalcTest#adds: 2\n    CalcTest#divides: 3\n"),
            file() + ":4: invalid YAML: this line is indented deeper than the line above it");
}

TEST_F(PitTest, RejectsBrokenYamlAndMissingFile) {
  EXPECT_EQ(error("id: [calc\n"), file() + ":1: invalid YAML: a [ list is not closed with ]");
  fs::remove(dir / "pit.yaml");
  EXPECT_THROW(load_pit(dir, {}), PitError);
}

TEST_F(PitTest, OverlayWithoutTestsIsAnError) {
  fs::remove_all(dir / "overlay/src");
  EXPECT_EQ(error("id: calc\n"), file() +
                                     ": overlay: provides no test classes under "
                                     "src/test/java (in overlay)");
}

TEST(Glob, MatchesLikeGitignoreGlobs) {
  EXPECT_TRUE(glob_match("src/test/**", "src/test/java/A.java"));
  EXPECT_TRUE(glob_match("src/test/**", "src/test"));
  EXPECT_FALSE(glob_match("src/test/**", "src/testing/A.java"));
  EXPECT_TRUE(glob_match("**/*.properties", "a/b/c.properties"));
  EXPECT_TRUE(glob_match("**/*.properties", "c.properties"));
  EXPECT_TRUE(glob_match("*.txt", "a.txt"));
  EXPECT_FALSE(glob_match("*.txt", "dir/a.txt"));
  EXPECT_TRUE(glob_match("src/?ain/**", "src/main/x"));
  EXPECT_FALSE(glob_match("src/?ain/**", "src/mmain/x"));
  EXPECT_TRUE(glob_match("**", "anything/at/all"));
}

}  // namespace
}  // namespace runner::pit
