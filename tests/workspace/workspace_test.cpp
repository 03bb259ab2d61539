// Preparing a project: protected files go, reserved files go, required files are checked, the
// overlay wins.
#include "workspace/workspace.hpp"

#include <gtest/gtest.h>

#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::workspace {
namespace {

namespace fs = std::filesystem;
using runner::testing::TempDir;
using runner::testing::ZipBuilder;

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp / "pit/overlay/src/test/java/p");
    util::write_file(tmp / "pit/overlay/src/test/java/p/T.java", "teacher");
    util::write_file(tmp / "pit/overlay/pom.xml", "teacher pom");
    pit.id = "pit";
    pit.dir = tmp / "pit";
    pit.overlay_dir = tmp / "pit/overlay";
    pit.test_classes = {"p.T"};
    fs::create_directory(tmp / "work");
  }
  JobDirs prepare(const ZipBuilder& b) {
    b.write(tmp / "s.zip");
    JobDirs dirs = JobDirs::create(tmp / "work");
    prepare_project(tmp / "s.zip", pit, {}, dirs);
    return dirs;
  }
  TempDir tmp;
  pit::Pit pit;
};

TEST_F(WorkspaceTest, OverlayReplacesTheStudentsTestsAndBuildFiles) {
  const JobDirs d = prepare(ZipBuilder()
                                .file("src/main/java/p/A.java", "student")
                                .file("src/test/java/p/T.java", "forged")
                                .file("src/test/java/p/Extra.java", "extra")
                                .file("pom.xml", "student pom"));
  EXPECT_EQ(util::read_file(d.project / "src/main/java/p/A.java"), "student");
  EXPECT_EQ(util::read_file(d.tests / "src/test/java/p/T.java"), "teacher");
  EXPECT_FALSE(fs::exists(d.project / "src/test/java/p/T.java"));
  EXPECT_FALSE(fs::exists(d.project / "src/test/java/p/Extra.java"));
  EXPECT_FALSE(fs::exists(d.tests / "src/test/java/p/Extra.java"));
  EXPECT_EQ(util::read_file(d.project / "pom.xml"), "teacher pom");
}

TEST_F(WorkspaceTest, TestFrameworkConfigurationAndBuildLogicNeverSurvive) {
  const JobDirs d = prepare(ZipBuilder()
                                .file("src/main/java/p/A.java", "a")
                                .file("src/main/resources/junit-platform.properties", "x")
                                .file("src/main/resources/META-INF/services/"
                                      "org.junit.platform.launcher.TestExecutionListener",
                                      "p.Evil")
                                .file(".mvn/jvm.config", "-javaagent:evil.jar")
                                .file("buildSrc/src/main/groovy/Evil.groovy", "x")
                                .file("build.gradle", "x")
                                .file("settings.gradle", "x")
                                .file("gradle.properties", "x"));
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(d.project)) {
    if (e.is_regular_file()) left.push_back(util::relative_slash(e.path(), d.project));
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"pom.xml", "src/main/java/p/A.java"}));
}

TEST_F(WorkspaceTest, CustomProtectedGlobs) {
  pit.protected_globs = {"src/test/**", "**/*.txt"};
  const JobDirs d = prepare(ZipBuilder().file("src/main/java/A.java", "a").file("a/b/c.txt", "t"));
  EXPECT_FALSE(fs::exists(d.project / "a/b/c.txt"));
  EXPECT_TRUE(fs::exists(d.project / "src/main/java/A.java"));
}

TEST_F(WorkspaceTest, MissingRequiredFileIsAnInvalidSubmission) {
  pit.required = {"src/main/java/p/A.java"};
  try {
    prepare(ZipBuilder().file("src/main/java/p/B.java", "b"));
    FAIL() << "accepted";
  } catch (const archive::InvalidArchive& e) {
    EXPECT_STREQ(e.what(), "missing required file src/main/java/p/A.java");
  }
}

// The student's file at the root, or in an Eclipse-style src/p/: the reason says where it is.
TEST_F(WorkspaceTest, MissingRequiredFileNamesWhatTheStudentSentInstead) {
  pit.required = {"src/main/java/p/A.java"};
  for (const auto& [zip, where] : std::vector<std::pair<ZipBuilder, std::string>>{
           {ZipBuilder().file("A.java", "a").file("notes.txt", "n"), "A.java"},
           {ZipBuilder().file("src/p/A.java", "a").file("src/p/B.java", "b"), "src/p/A.java"}}) {
    try {
      prepare(zip);
      FAIL() << "accepted";
    } catch (const archive::InvalidArchive& e) {
      EXPECT_EQ(std::string(e.what()),
                "missing required file src/main/java/p/A.java; the "
                "submission has " +
                    where + " instead (it must be at src/main/java/p/A.java)");
    }
  }
}

TEST_F(WorkspaceTest, JobFoldersAreFreshAndPrivate) {
  const JobDirs a = JobDirs::create(tmp / "work");
  const JobDirs b = JobDirs::create(tmp / "work");
  EXPECT_NE(a.root, b.root);
  EXPECT_TRUE(fs::is_empty(a.tests));
  EXPECT_EQ(fs::status(a.root).permissions() & fs::perms::others_all, fs::perms::none);
  for (const auto& dir : {a.tests, a.classes, a.test_classes}) {
    EXPECT_FALSE(dir.string().starts_with(a.project.string())) << dir;
  }
}

// The hidden tests never enter the project the build tools (and the student's code) see.
TEST_F(WorkspaceTest, TheOverlaysTestsGoBesideTheProjectNotIntoIt) {
  const fs::path overlay = pit.overlay_dir;
  fs::create_directories(overlay / "src/test/java/p");
  util::write_file(overlay / "src/test/java/p/ATest.java", "hidden");
  fs::create_directories(overlay / "src/test/resources");
  util::write_file(overlay / "src/test/resources/data.txt", "d");
  fs::create_directories(overlay / "src/main/resources");
  util::write_file(overlay / "src/main/resources/given.txt", "g");
  const JobDirs d = prepare(ZipBuilder().file("src/main/java/p/A.java", "a"));
  EXPECT_EQ(util::read_file(d.project / "pom.xml"), "teacher pom");
  EXPECT_TRUE(fs::exists(d.project / "src/main/resources/given.txt"));
  EXPECT_FALSE(fs::exists(d.project / "src/test"));
  EXPECT_EQ(util::read_file(d.tests / "src/test/java/p/ATest.java"), "hidden");
  EXPECT_TRUE(fs::exists(d.tests / "src/test/resources/data.txt"));
}

// The shape of the attack: a 9 KB ZIP holding one path 2,100 levels deep. Extracted, it used to
// cost minutes of CPU in remove_protected; now the archive's caps reject it before anything is
// written (the name cap first, and the depth cap when names may be longer).
TEST_F(WorkspaceTest, APathThousandsOfLevelsDeepIsRejectedBeforeAnythingIsWritten) {
  std::string deep;
  for (int i = 0; i < 2100; ++i) deep += "a/";
  ZipBuilder().file("README.md", "r").file(deep + "A.java", "a").write(tmp / "s.zip");
  const JobDirs d = JobDirs::create(tmp / "work");
  try {
    prepare_project(tmp / "s.zip", pit, {}, d);
    ADD_FAILURE() << "accepted";
  } catch (const archive::InvalidArchive& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("entry name longer than 1024 bytes 'a/a/a/"))
        << e.what();
  }
  try {
    prepare_project(tmp / "s.zip", pit, {.max_name_bytes = 8192}, d);
    ADD_FAILURE() << "accepted";
  } catch (const archive::InvalidArchive& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("path deeper than 64 levels 'a/a/a/"))
        << e.what();
  }
  EXPECT_TRUE(fs::is_empty(d.project));
}

// Protected and reserved paths are recognised however deep they are: each one's relative path
// is built from its parent's during the walk (here 300 levels, with the caps raised).
TEST_F(WorkspaceTest, ProtectedAndReservedPathsAreFoundAtAnyDepth) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "d" + std::to_string(i % 10) + "/";
  pit.protected_globs = {"src/test/**", "**/*.txt", deep + "secret/**"};
  ZipBuilder()
      .file("README.md", "r")
      .file(deep + "Keep.java", "k")
      .file(deep + "notes.txt", "t")
      .file(deep + "secret/Hidden.java", "h")
      .file(deep + "META-INF/services/org.junit.platform.engine.TestEngine", "p.Evil")
      .file(deep + "junit-platform.properties", "x")
      .write(tmp / "s.zip");
  const JobDirs d = JobDirs::create(tmp / "work");
  prepare_project(tmp / "s.zip", pit, {.max_name_bytes = 4096, .max_depth = 1000}, d);
  EXPECT_TRUE(fs::is_regular_file(d.project / "README.md"));
  EXPECT_TRUE(fs::is_regular_file(d.project / deep / "Keep.java"));
  for (const char* gone :
       {"notes.txt", "secret", "META-INF/services/org.junit.platform.engine.TestEngine",
        "junit-platform.properties"}) {
    EXPECT_FALSE(fs::exists(d.project / deep / gone)) << gone;
  }
}

TEST(ReservedPaths, Examples) {
  const pit::Pit java;
  EXPECT_TRUE(is_reserved_path(java, "pom.xml"));
  EXPECT_FALSE(is_reserved_path(java, "src/pom.xml"));
  EXPECT_TRUE(is_reserved_path(java, ".mvn/maven.config"));
  EXPECT_TRUE(is_reserved_path(java, "src/test/resources/junit-platform.properties"));
  EXPECT_TRUE(is_reserved_path(java, "src/main/resources/META-INF/services/x"));
  EXPECT_FALSE(is_reserved_path(java, "src/main/java/Build.java"));
}

// Python: pytest's configuration, plugins and compiled bytecode never come from a submission.
TEST(ReservedPaths, Python) {
  pit::Pit python;
  python.language = pit::Language::Python;
  for (const char* reserved :
       {"conftest.py", "pkg/conftest.py", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml",
        "sitecustomize.py", "__pycache__/calculator.cpython-311.pyc", "calculator.pyc",
        ".pytest_cache/v/cache/lastfailed", "evil.pth", "x.dist-info/entry_points.txt"}) {
    EXPECT_TRUE(is_reserved_path(python, reserved)) << reserved;
  }
  for (const char* kept : {"calculator.py", "pkg/__init__.py", "src/calc/core.py", "pom.xml"}) {
    EXPECT_FALSE(is_reserved_path(python, kept)) << kept;
  }
}

}  // namespace
}  // namespace runner::workspace
