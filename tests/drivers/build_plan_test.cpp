// Reading the build tools' own account of a build into a plan, and the plan's cache key. The
// log lines are those Maven 3.8.7 (-X) and Gradle 4.4.1 (--debug) print; the end-to-end tests
// (tests/e2e/build_plan_test.cpp) run the real tools.
#include "drivers/build_plan.hpp"

#include <gtest/gtest.h>

#include "config/share_dir.hpp"
#include "drivers/plan_resolver.hpp"
#include "pit/pit.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::drivers {
namespace {

namespace fs = std::filesystem;

const fs::path kProject = "/job/project";

std::string maven_log(const std::string& extra_mojo = "",
                      const std::string& options = "-g -nowarn --release 17 -encoding UTF-8",
                      const std::string& resources =
                          "[Resource {targetPath: null, filtering: false, FileSet {directory: "
                          "/job/project/src/main/resources, PatternSet [includes: {}, excludes: "
                          "{}]}}]") {
  return "\x1b[0m\x1b[0mApache Maven 3.8.7\n"
         "Maven home: /usr/share/maven\n" +
         extra_mojo +
         "[INFO] --- maven-resources-plugin:3.3.0:resources (default-resources) @ calculator ---\n"
         "[DEBUG]   (f) encoding = UTF-8\n"
         "[DEBUG]   (s) resources = " +
         resources +
         "\n"
         "[INFO] --- maven-compiler-plugin:3.10.1:compile (default-compile) @ calculator ---\n"
         "[DEBUG]   (f) compilerId = javac\n"
         "[DEBUG]   (f) fork = false\n"
         "[DEBUG] Classpath:\n"
         "[DEBUG]  /job/project/target/classes\n"
         "[DEBUG]  /usr/share/maven-repo/org/apache/commons/commons-lang3/3.12.0/c.jar\n"
         "[DEBUG] Source roots:\n"
         "[DEBUG]  /job/project/src/main/java\n"
         "[DEBUG]  /job/project/target/generated-sources/annotations\n"
         "[DEBUG] Command line options:\n"
         "[DEBUG] -d /job/project/target/classes -classpath /job/project/target/classes: "
         "-sourcepath /job/project/src/main/java: -s /job/project/target/generated-sources/"
         "annotations " +
         options +
         "\n"
         "[INFO] --- maven-dependency-plugin:3.5.0:build-classpath (default-cli) @ calculator "
         "---\n";
}

const char* const kTestClassPath =
    "/usr/share/maven-repo/org/junit/jupiter/junit-jupiter-api/5.9.2/api.jar:"
    "/usr/share/maven-repo/org/apache/commons/commons-lang3/3.12.0/c.jar:"
    "/usr/share/maven-repo/org/opentest4j/opentest4j/1.2.0/opentest4j-1.2.0.jar\n";

TEST(MavenPlan, ThePomsCompilerSettingsClassPathsAndResourcesAreRead) {
  const BuildPlan plan = parse_maven_resolution(maven_log(), kProject, kTestClassPath);
  EXPECT_TRUE(plan.usable()) << plan.unsupported;
  EXPECT_EQ(plan.tool_version, "Apache Maven 3.8.7");
  EXPECT_EQ(plan.javac_options,
            (std::vector<std::string>{"-g", "-nowarn", "--release", "17", "-encoding", "UTF-8"}));
  EXPECT_EQ(plan.main_class_path,
            (std::vector<fs::path>{
                "/usr/share/maven-repo/org/apache/commons/commons-lang3/3.12.0/c.jar"}));
  // JUnit and its API jars come from the host.
  EXPECT_EQ(plan.test_libraries,
            (std::vector<fs::path>{
                "/usr/share/maven-repo/org/apache/commons/commons-lang3/3.12.0/c.jar"}));
  EXPECT_EQ(plan.resource_dirs, (std::vector<std::string>{"src/main/resources"}));
}

TEST(MavenPlan, AnExtraMojoWhileBuildingTheMainCodeIsNotModelled) {
  const BuildPlan plan = parse_maven_resolution(
      maven_log("[INFO] --- build-helper-maven-plugin:3.3.0:add-source (gen) @ calculator ---\n"),
      kProject, kTestClassPath);
  EXPECT_EQ(plan.unsupported,
            "the pom runs build-helper-maven-plugin:add-source (gen) while building the main code");
}

TEST(MavenPlan, FilteredOrSelectedResourcesAreNotModelled) {
  for (const std::string resources :
       {"[Resource {targetPath: null, filtering: true, FileSet {directory: "
        "/job/project/src/main/resources, PatternSet [includes: {}, excludes: {}]}}]",
        "[Resource {targetPath: null, filtering: false, FileSet {directory: "
        "/job/project/src/main/resources, PatternSet [includes: {**/*.txt}, excludes: {}]}}]",
        "[Resource {targetPath: conf, filtering: false, FileSet {directory: "
        "/job/project/src/main/resources, PatternSet [includes: {}, excludes: {}]}}]"}) {
    const BuildPlan plan = parse_maven_resolution(maven_log("", "-g --release 17", resources),
                                                  kProject, kTestClassPath);
    EXPECT_EQ(plan.unsupported, "the pom's resources are filtered, renamed or selected by patterns")
        << resources;
  }
}

TEST(MavenPlan, ACompilerArgumentThatCouldRunCodeIsNotModelled) {
  const BuildPlan plan = parse_maven_resolution(
      maven_log("", "-g --release 17 -Xplugin:ErrorProne"), kProject, kTestClassPath);
  EXPECT_EQ(plan.unsupported, "the pom sets the compiler argument '-Xplugin:ErrorProne'");
}

TEST(MavenPlan, AForkedCompilerIsNotModelled) {
  std::string log = maven_log();
  log.replace(log.find("fork = false"), 12, "fork = true");
  EXPECT_EQ(parse_maven_resolution(log, kProject, kTestClassPath).unsupported,
            "the pom compiles with another compiler or in a forked one");
}

TEST(MavenPlan, AnotherSourceFolderIsNotModelled) {
  std::string log = maven_log();
  log.replace(log.find("/job/project/src/main/java\n"), 27, "/job/project/src/generated\n");
  EXPECT_EQ(parse_maven_resolution(log, kProject, kTestClassPath).unsupported,
            "the pom compiles sources from src/generated (only src/main/java is modelled)");
}

TEST(MavenPlan, OutputWithoutACompileIsNotAPlan) {
  EXPECT_FALSE(parse_maven_resolution("Apache Maven 3.8.7\n", kProject, "").usable());
}

const char* const kGradleLog =
    "21:05:58.030 [INFO] [org.gradle.internal.buildevents.BuildLogger] Tasks to be executed: "
    "[task ':compileJava', task ':processResources', task ':classes', task ':runnerClasspath']\n"
    "21:05:58.109 [DEBUG] [org.gradle.api.internal.tasks.compile.NormalizingJavaCompiler] "
    "Compiler arguments: -source 12 -target 12 -d /job/project/build/classes/java/main -encoding "
    "UTF-8 -g -sourcepath  -proc:none -XDuseUnsharedTable=true -classpath /r/lib.jar -proc:none "
    "/job/project/src/main/java/RunnerPlanProbe.java\n";

const char* const kGradleClassPath =
    "main /job/project/build/classes/java/main\n"
    "main /job/project/build/resources/main\n"
    "lib /r/lib.jar\n"
    "lib /usr/share/maven-repo/junit/junit/4.13.2/junit-4.13.2.jar\n"
    "java-src /job/project/src/main/java\n"
    "resources-src /job/project/src/main/resources\n"
    "gradle 4.4.1\n";

TEST(GradlePlan, TheCompilerArgumentsTasksAndClassPathsAreRead) {
  const BuildPlan plan = parse_gradle_resolution(kGradleLog, kProject, kGradleClassPath);
  EXPECT_TRUE(plan.usable()) << plan.unsupported;
  EXPECT_EQ(plan.tool_version, "Gradle 4.4.1");
  EXPECT_EQ(plan.javac_options, (std::vector<std::string>{"-source", "12", "-target", "12",
                                                          "-encoding", "UTF-8", "-g"}));
  EXPECT_EQ(plan.main_class_path, (std::vector<fs::path>{"/r/lib.jar"}));
  EXPECT_EQ(plan.test_libraries, (std::vector<fs::path>{"/r/lib.jar"}));
  EXPECT_EQ(plan.resource_dirs, (std::vector<std::string>{"src/main/resources"}));
}

TEST(GradlePlan, AnExtraTaskBeforeCompilingIsNotModelled) {
  std::string log = kGradleLog;
  log.replace(log.find("task ':compileJava'"), 0, "task ':generateParser', ");
  EXPECT_EQ(parse_gradle_resolution(log, kProject, kGradleClassPath).unsupported,
            "the build runs task :generateParser while building the main code");
}

TEST(GradlePlan, AnotherSourceFolderIsNotModelled) {
  const std::string files = std::string(kGradleClassPath) + "java-src /job/project/src/gen\n";
  EXPECT_EQ(parse_gradle_resolution(kGradleLog, kProject, files).unsupported,
            "the build compiles sources from src/gen (only src/main/java is modelled)");
}

TEST(JavacOptions, OnlySettingsThatRunNoCodeAreKept) {
  const auto kept = model_javac_options({"-d", "/x", "-parameters", "-Xlint:unchecked", "-g:lines",
                                         "-deprecation", "-proc:none", "-target", "17", "A.java"});
  EXPECT_TRUE(kept.unsupported.empty());
  EXPECT_EQ(kept.kept, (std::vector<std::string>{"-parameters", "-Xlint:unchecked", "-g:lines",
                                                 "-deprecation", "-target", "17"}));
  for (const char* risky : {"-processorpath", "-Xplugin:X", "--enable-preview", "-J-Xmx1g",
                            "--add-exports", "-Werror", "@argfile"}) {
    EXPECT_FALSE(model_javac_options({risky}).unsupported.empty()) << risky;
  }
}

TEST(PlanFile, ReadsBackWhatItWrote) {
  BuildPlan plan = parse_gradle_resolution(kGradleLog, kProject, kGradleClassPath);
  plan.resolve_seconds = 2.5;
  const BuildPlan back = plan_from_json(plan_to_json(plan));
  EXPECT_EQ(plan_to_json(back), plan_to_json(plan));
  EXPECT_EQ(back.tool, pit::BuildTool::Gradle);
  EXPECT_EQ(back.test_libraries, plan.test_libraries);
  EXPECT_THROW(plan_from_json("{\"format\": 99}"), std::runtime_error);
}

TEST(PlanKey, ChangesWithTheBuildFileButNotWithTheTests) {
  testing::TempDir tmp;
  const fs::path dir = tmp / "calculator";
  fs::copy(testing::source_dir() / "examples/pits/calculator", dir, fs::copy_options::recursive);
  const Toolchain tools =
      Toolchain::discover(17, testing::data_dirs().share, testing::data_dirs().testhost);
  const auto key = [&] { return plan_key(pit::load_pit(dir, {}), tools); };
  const std::string first = key();
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(key(), first);
  const fs::path test = dir / "overlay/src/test/java/edu/uoc/CalculatorTest.java";
  util::write_file(test, util::read_file(test) + "// a new hidden test\n");
  EXPECT_EQ(key(), first) << "the tests are not part of the plan";
  util::write_file(dir / "overlay/pom.xml", util::read_file(dir / "overlay/pom.xml") + "\n");
  const std::string second = key();
  EXPECT_NE(second, first);
  fs::create_directories(dir / "overlay/src/main/resources");
  util::write_file(dir / "overlay/src/main/resources/config.txt", "teacher's file");
  EXPECT_NE(key(), second) << "any file of the overlay but the tests";
}

}  // namespace
}  // namespace runner::drivers
