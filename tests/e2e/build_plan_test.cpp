// Build plans (docs/build-drivers.md, "Build plans"): a Maven or Gradle PIT graded with the plan
// learnt once from its build file gives the verdict the build tool gives; a build the plan does
// not model falls back to the tool and says so; a changed build file is learnt again.
#include <gtest/gtest.h>

#include <regex>

#include "config/share_dir.hpp"
#include "drivers/driver.hpp"
#include "drivers/plan_resolver.hpp"
#include "grading/grader.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner {
namespace {

namespace fs = std::filesystem;
using grading::Status;
using testing::TempDir;
using testing::ZipBuilder;

// A JUnit test of the PIT that reads the student's resource greeting.txt.
std::string resource_test(const std::string& build) {
  const bool junit4 = build == "gradle";
  return std::string("package edu.uoc;\n") +
         (junit4 ? "import static org.junit.Assert.assertEquals;\nimport org.junit.Test;\n"
                 : "import static org.junit.jupiter.api.Assertions.assertEquals;\n"
                   "import org.junit.jupiter.api.Test;\n") +
         "public class GreetingTest {\n"
         "  @Test public void greetsWithTheStudentsResource() throws Exception {\n"
         "    try (var in = GreetingTest.class.getResourceAsStream(\"/greeting.txt\")) {\n"
         "      assertEquals(\"hello\", new String(in.readAllBytes(), \"UTF-8\").trim());\n"
         "    }\n"
         "  }\n"
         "}\n";
}

constexpr const char* kUsesCommonsLang =
    "package edu.uoc;\n"
    "public class Shout {\n"
    "  public static String shout(String s) { return org.apache.commons.lang3.StringUtils"
    ".upperCase(s); }\n"
    "}\n";

class BuildPlanE2E : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    launcher_ = exec::make_plain_launcher().release();
    tools_ = new drivers::Toolchain(drivers::Toolchain::discover(17, testing::data_dirs().share,
                                                                 testing::data_dirs().testhost));
  }

  bool maven() const { return GetParam() == "maven"; }
  fs::path build_file() const {
    return pit_dir / (maven() ? "overlay/pom.xml" : "overlay/build.gradle");
  }

  // The example PIT of this build, copied once per test; `yaml` lines are appended.
  pit::Pit make_pit(const std::string& yaml = "") {
    if (!fs::exists(pit_dir)) {
      fs::create_directories(pit_dir);
      fs::copy(
          testing::source_dir() / "examples/pits" / (maven() ? "calculator" : "calculator-gradle"),
          pit_dir, fs::copy_options::recursive);
      std::string text = util::read_file(pit_dir / "pit.yaml");
      text = std::regex_replace(text, std::regex("(^|\n)id:[^\n]*"), "$1id: calculator");
      // Generous for the build tool's start-up; an infinite loop waits for it either way.
      text += maven() ? "\ntimeout_ms: 20000\n" : "\ntimeout_ms: 40000\n";
      text = std::regex_replace(text, std::regex("(^|\n)memory_mb:[^\n]*"), "$1memory_mb: 512");
      util::write_file(pit_dir / "pit.yaml", text);
    }
    if (!yaml.empty()) {
      util::write_file(pit_dir / "pit.yaml", util::read_file(pit_dir / "pit.yaml") + yaml);
    }
    return pit::load_pit(pit_dir, {});
  }

  // Inserts `text` into the build file before `anchor` (pom) or at its end (build.gradle).
  void edit_build_file(const std::string& text, const std::string& anchor = "</project>") {
    std::string content = util::read_file(build_file());
    if (maven()) {
      content.insert(content.find(anchor), text);
    } else {
      content += "\n" + text + "\n";
    }
    util::write_file(build_file(), content);
  }

  fs::path example_zip(const std::string& name) {
    const fs::path zip = tmp / (name + ".zip");
    ZipBuilder().tree(testing::source_dir() / "examples/submissions" / name).write(zip);
    return zip;
  }

  // Grades with the build plan (plans kept in tmp/plans) or with the build tool; `name` is the
  // output folder, whose log.txt log() reads.
  grading::Verdict grade(const fs::path& zip, const pit::Pit& pit, bool plan,
                         const std::string& name) {
    fs::create_directories(tmp / "work");
    drivers::Toolchain tools = *tools_;
    if (plan) tools.plan_dir = plans_dir();
    grading::GradeContext context{*launcher_, tools, tmp / "work", {}, 200000, nullptr, nullptr};
    auto verdict = grading::grade({zip, pit, "s-1", tmp / name}, context);
    EXPECT_TRUE(fs::is_empty(tmp / "work")) << "job or probe folder left behind";
    return verdict;
  }

  std::string log(const std::string& name) { return util::read_file(tmp / name / "log.txt"); }
  fs::path plans_dir() const { return tmp / "plans"; }

  std::size_t plans_cached() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(plans_dir())) n += e.path().extension() == ".json";
    return n;
  }

  // What must agree between the two ways: status, scores and each test's name and status.
  static std::string outcome(const grading::Verdict& v) {
    std::string text = std::string(grading::to_string(v.status)) + " " +
                       std::to_string(v.score.score) + "/" + std::to_string(v.score.max_score) +
                       " passed " + std::to_string(v.score.passed) + "\n";
    for (const auto& t : v.score.tests) {
      text += t.name + " " + report::to_string(t.status) + "\n";
    }
    return text;
  }

  std::string tool() const { return maven() ? "Maven" : "Gradle"; }

  TempDir tmp;
  fs::path pit_dir = tmp / "pits/calculator";
  static exec::Launcher* launcher_;
  static drivers::Toolchain* tools_;
};

exec::Launcher* BuildPlanE2E::launcher_ = nullptr;
drivers::Toolchain* BuildPlanE2E::tools_ = nullptr;

TEST_P(BuildPlanE2E, PlanAndBuildToolGiveTheSameVerdictForEveryExampleSubmission) {
  const auto pit = make_pit();
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(testing::source_dir() / "examples/submissions")) {
    names.push_back(e.path().filename());
  }
  std::sort(names.begin(), names.end());
  ASSERT_GE(names.size(), 10u);
  std::set<Status> seen;
  for (const auto& name : names) {
    const fs::path zip = example_zip(name);
    const auto by_tool = grade(zip, pit, false, "tool-" + name);
    const auto by_plan = grade(zip, pit, true, "plan-" + name);
    EXPECT_EQ(outcome(by_tool), outcome(by_plan)) << name;
    EXPECT_NE(log("tool-" + name).find("compiling with " + tool()), std::string::npos) << name;
    const std::string plan_log = log("plan-" + name);
    EXPECT_NE(plan_log.find("[runner] build plan"), std::string::npos) << name << plan_log;
    EXPECT_EQ(plan_log.find("compiling with " + tool()), std::string::npos) << name << plan_log;
    seen.insert(by_plan.status);
    if (name == "correct") {
      EXPECT_EQ(by_plan.score.score, 10) << outcome(by_plan);
    }
  }
  // Not two broken paths that agree: the examples reach every kind of verdict.
  EXPECT_EQ(seen, (std::set<Status>{Status::Completed, Status::BuildFailed, Status::Timeout,
                                    Status::MemoryLimit}));
  EXPECT_EQ(plans_cached(), 1u) << "one plan, learnt once";
}

TEST_P(BuildPlanE2E, TheStudentsOwnResourcesAreWhatTheTestsSee) {
  make_pit();
  util::write_file(pit_dir / "overlay/src/test/java/edu/uoc/GreetingTest.java",
                   resource_test(GetParam()));
  const auto pit = make_pit("expected_tests: 7\n");
  for (const auto& [greeting, passed] :
       std::vector<std::pair<std::string, int>>{{"hello", 7}, {"bye", 6}, {"hello\n", 7}}) {
    const fs::path zip = tmp / "greeting.zip";
    ZipBuilder()
        .tree(testing::source_dir() / "examples/submissions/correct")
        .file("src/main/resources/greeting.txt", greeting)
        .write(zip);
    const auto by_plan = grade(zip, pit, true, "plan");
    const auto by_tool = grade(zip, pit, false, "tool");
    EXPECT_EQ(by_plan.score.passed, passed) << greeting << outcome(by_plan);
    EXPECT_EQ(outcome(by_tool), outcome(by_plan)) << greeting;
  }
}

TEST_P(BuildPlanE2E, AnUnmodelledBuildFallsBackToTheBuildToolAndSaysSo) {
  make_pit();
  const std::string reason =
      maven() ? "the pom runs maven-dependency-plugin:properties (find-properties)"
              : "the build runs task :generate";
  if (maven()) {
    edit_build_file(
        "<plugin><groupId>org.apache.maven.plugins</groupId>"
        "<artifactId>maven-dependency-plugin</artifactId><version>3.5.0</version>"
        "<executions><execution><id>find-properties</id><phase>initialize</phase>"
        "<goals><goal>properties</goal></goals></execution></executions></plugin>\n",
        "    </plugins>");
  } else {
    edit_build_file("task generate { doLast { } }\ncompileJava.dependsOn generate");
  }
  const auto pit = make_pit();
  const auto v = grade(example_zip("correct"), pit, true, "fallback");
  EXPECT_EQ(v.status, Status::Completed) << outcome(v);
  EXPECT_EQ(v.score.score, 10);
  const std::string text = log("fallback");
  EXPECT_NE(text.find("[runner] build plan not used: " + reason), std::string::npos) << text;
  EXPECT_NE(text.find("compiling with " + tool()), std::string::npos) << text;
  // Decided once: the second grade reads the decision from the cache.
  grade(example_zip("correct"), pit, true, "fallback-2");
  EXPECT_EQ(log("fallback-2").find("learning the build plan"), std::string::npos);
  EXPECT_NE(log("fallback-2").find("build plan not used"), std::string::npos);
}

TEST_P(BuildPlanE2E, FilteredResourcesFallBackToTheBuildTool) {
  make_pit();
  if (maven()) {
    edit_build_file(
        "<resources><resource><directory>src/main/resources</directory>"
        "<filtering>true</filtering></resource></resources>\n",
        "    <plugins>");
  } else {
    edit_build_file("processResources { expand(version: '1') }");
  }
  const auto v = grade(example_zip("correct"), make_pit(), true, "filtered");
  EXPECT_EQ(v.status, Status::Completed) << outcome(v);
  const std::string text = log("filtered");
  const std::string reason =
      maven() ? "the pom's resources are filtered" : "resources are not copied unchanged";
  EXPECT_NE(text.find("build plan not used: " + reason), std::string::npos) << text;
}

TEST_P(BuildPlanE2E, AChangedBuildFileIsLearntAgainBeforeTheNextGrade) {
  const fs::path zip = tmp / "shout.zip";
  ZipBuilder()
      .tree(testing::source_dir() / "examples/submissions/correct")
      .file("src/main/java/edu/uoc/Shout.java", kUsesCommonsLang)
      .write(zip);
  // Without the library in the build file the student's code does not compile...
  const auto before = grade(zip, make_pit(), true, "before");
  EXPECT_EQ(before.status, Status::BuildFailed) << outcome(before);
  EXPECT_NE(log("before").find("build plan learnt"), std::string::npos);
  // ...and once the teacher adds it, the next grade learns the new plan and compiles.
  if (maven()) {
    edit_build_file(
        "<dependency><groupId>org.apache.commons</groupId><artifactId>commons-lang3</artifactId>"
        "<version>3.12.0</version></dependency>\n",
        "  </dependencies>");
  } else {
    edit_build_file("dependencies { compile 'org.apache.commons:commons-lang3:3.12.0' }");
  }
  const auto after = grade(zip, make_pit(), true, "after");
  EXPECT_EQ(after.status, Status::Completed) << outcome(after) << log("after");
  EXPECT_EQ(after.score.score, 10);
  EXPECT_NE(log("after").find("build plan learnt"), std::string::npos) << log("after");
  EXPECT_EQ(plans_cached(), 2u);
  // Changing only the hidden tests keeps the plan.
  const fs::path test = pit_dir / "overlay/src/test/java/edu/uoc/CalculatorTest.java";
  util::write_file(test, "// edited\n" + util::read_file(test));
  grade(zip, make_pit(), true, "tests-edited");
  EXPECT_NE(log("tests-edited").find("cached"), std::string::npos) << log("tests-edited");
  EXPECT_EQ(plans_cached(), 2u);
}

TEST_P(BuildPlanE2E, BuildPlanFalseRunsTheBuildToolEveryTime) {
  const auto pit = make_pit("build_plan: false\n");
  const auto v = grade(example_zip("correct"), pit, true, "off");
  EXPECT_EQ(v.score.score, 10) << outcome(v);
  EXPECT_EQ(log("off").find("build plan"), std::string::npos);
  EXPECT_NE(log("off").find("compiling with " + tool()), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Tools, BuildPlanE2E, ::testing::Values("maven", "gradle"),
                         [](const auto& param) { return param.param; });

}  // namespace
}  // namespace runner
