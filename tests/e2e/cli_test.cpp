// The `runner` binary's command line (README, "Commands" and "Configuration"): exit codes,
// messages, banner, JSON output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/shell.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::TempDir;

class CliTest : public ::testing::Test {
 protected:
  // Runs the binary in `cwd` with exactly `env` (plus PATH), capturing both streams.
  CommandResult run(const std::string& args, const std::string& env = "",
                    const fs::path& cwd = {}) {
    const fs::path dir = cwd.empty() ? tmp.path() : cwd;
    return testing::shell(
        dir, "env -i PATH=/usr/bin:/bin " + env + " " + RUNNER_BINARY + " " + args, tmp.path());
  }
  fs::path example_zip(const std::string& name) {
    const fs::path zip = tmp / (name + ".zip");
    testing::ZipBuilder().tree(testing::source_dir() / "examples/submissions" / name).write(zip);
    return zip;
  }
  // A copy of the example Maven PIT, to change.
  fs::path maven_pit() {
    const fs::path dir = tmp / "pits/calculator";
    fs::create_directories(dir);
    fs::copy(testing::source_dir() / "examples/pits/calculator", dir, fs::copy_options::recursive);
    return dir;
  }
  // The example PIT switched to javac, the fastest driver.
  fs::path javac_pit() {
    const fs::path dir = maven_pit();
    std::string yaml = util::read_file(dir / "pit.yaml");
    yaml.replace(yaml.find("build: maven"), 12, "build: javac");
    util::write_file(dir / "pit.yaml", yaml);
    return dir;
  }

  TempDir tmp;
  const std::string cloud_env =
      "AWS_REGION=eu-south-2 AWS_S3_BUCKET=b AWS_SQS_QUEUE_URL=http://127.0.0.1:1/q "
      "DATABASE_URL=postgresql://runner:hunter2@127.0.0.1:5432/runner "
      "AWS_SECRET_ACCESS_KEY=canary-secret-key RUNNER_SANDBOX=none";
};

TEST_F(CliTest, Version) {
  const CommandResult r = run("version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "runner 0.1.0\n");
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run("grade").exit_code, 2);
  EXPECT_EQ(run("grade --bogus").exit_code, 2);
  const CommandResult missing_zip = run("grade nope.zip --pit " + javac_pit().string());
  EXPECT_EQ(missing_zip.exit_code, 2);
  EXPECT_NE(missing_zip.err.find("submission not found: nope.zip"), std::string::npos);
}

TEST_F(CliTest, InvalidPitExitsTwoNamingTheKey) {
  const fs::path pit = javac_pit();
  util::write_file(pit / "pit.yaml", "id: calculator\ntimeout_ms: soon\n");
  const CommandResult r =
      run("grade " + example_zip("correct").string() + " --pit " + pit.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("✗ invalid PIT: " + (pit / "pit.yaml").string() + ":2: timeout_ms:"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTest, CheckConfigListsEverythingMissing) {
  const CommandResult r = run("check-config");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "✗ Configuration validation failed:\n"
            "Missing required environment variables:\n"
            "  - AWS_REGION\n"
            "  - AWS_S3_BUCKET\n"
            "  - AWS_SQS_QUEUE_URL\n"
            "  - DATABASE_URL or (DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, DB_NAME)\n"
            "\n"
            "Please check your .env file or environment configuration.\n");
}

TEST_F(CliTest, CheckConfigPrintsTheBannerWithSecretsMasked) {
  const CommandResult r = run("check-config --no-connect", cloud_env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("🔎 Checking the configuration..."), std::string::npos);
  EXPECT_EQ(r.out.find("Runner Service starting"), std::string::npos)
      << "check-config starts nothing";
  EXPECT_NE(r.out.find("✓ Configuration loaded successfully"), std::string::npos);
  EXPECT_NE(r.out.find("📋 Configuration:"), std::string::npos);
  EXPECT_NE(r.out.find("postgresql://runner:****@127.0.0.1:5432/runner"), std::string::npos);
  EXPECT_NE(r.out.find("Sandbox:"), std::string::npos);
  EXPECT_NE(r.out.find("✓ Configuration valid"), std::string::npos);
  EXPECT_EQ(r.out.find("hunter2"), std::string::npos);
  EXPECT_EQ(r.out.find("canary-secret-key"), std::string::npos);
}

// RUNNER_LOG_FORMAT=json: the banner is one JSON event (CloudWatch keeps it together), and
// nothing else is printed.
TEST_F(CliTest, CheckConfigInJsonModePrintsOneJsonEvent) {
  const CommandResult r = run("check-config --no-connect", cloud_env + " RUNNER_LOG_FORMAT=json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const std::string text = r.err;
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["level"], "INFO");
  EXPECT_EQ(j["message"], "configuration valid");
  EXPECT_EQ(j["config"]["database"], "postgresql://runner:****@127.0.0.1:5432/runner");
  EXPECT_TRUE(j["config"].contains("sandbox"));
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
}

// A configuration error in JSON mode is one JSON event too, naming every problem.
TEST_F(CliTest, ConfigErrorsInJsonModeAreOneJsonEvent) {
  const CommandResult r = run("check-config --no-connect",
                              "RUNNER_LOG_FORMAT=json RUNNER_TIMEOUT_MS=abc AWS_REGION=eu-west-1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  const auto j = nlohmann::json::parse(r.err);
  EXPECT_EQ(j["level"], "ERROR");
  const std::string message = j["message"];
  EXPECT_EQ(message.rfind("configuration invalid: missing ", 0), 0u) << message;
  EXPECT_NE(message.find("DATABASE_URL"), std::string::npos) << message;
  EXPECT_NE(message.find("; invalid RUNNER_TIMEOUT_MS: 'abc'"), std::string::npos) << message;
}

TEST_F(CliTest, DotenvFillsInAndTheEnvironmentWins) {
  util::write_file(tmp / ".env",
                   "AWS_REGION=eu-west-1\nAWS_S3_BUCKET=from-dotenv\n"
                   "AWS_SQS_QUEUE_URL=http://127.0.0.1:1/q\n"
                   "DATABASE_URL=postgresql://u:p@h:5432/d\n");
  const CommandResult r = run("check-config --no-connect", "AWS_REGION=eu-south-2");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("from-dotenv"), std::string::npos);
  EXPECT_NE(r.out.find("eu-south-2"), std::string::npos);
  EXPECT_EQ(r.out.find("eu-west-1"), std::string::npos);
}

TEST_F(CliTest, InvalidValueIsReported) {
  const CommandResult r = run("check-config", cloud_env + " RUNNER_TIMEOUT_MS=abc");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Invalid environment variables:\n  - RUNNER_TIMEOUT_MS: 'abc' is not an "
                       "integer"),
            std::string::npos)
      << r.err;
}

TEST_F(CliTest, UnavailableSandboxLevelFailsFast) {
  // As an unprivileged user the runner can give neither `full` nor `basic` (it needs root to map
  // and switch to the job uids), whatever the host allows.
  const CommandResult r = run("check-config", cloud_env +
                                                  " RUNNER_SANDBOX=full setpriv --reuid=65534 "
                                                  "--regid=65534 --clear-groups");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("RUNNER_SANDBOX=full is not available"), std::string::npos) << r.err;
}

TEST_F(CliTest, GradePrintsATableAndWritesBothFiles) {
  const CommandResult r =
      run("grade " + example_zip("partial").string() + " --pit " + javac_pit().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("CalculatorTest.divides"), std::string::npos);
  EXPECT_NE(r.out.find("Score: 5.71 / 10.00"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("COMPLETED"), std::string::npos);
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "colours on a non-terminal";
  EXPECT_TRUE(fs::exists(tmp / "runner-out/partial/feedback.json"));
  EXPECT_TRUE(fs::exists(tmp / "runner-out/partial/log.txt"));
}

TEST_F(CliTest, GradeJsonPrintsFeedback) {
  const CommandResult r =
      run("grade " + example_zip("correct").string() + " --pit " + javac_pit().string() +
          " --json --submission-id s-42 --out " + (tmp / "o").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["submission_id"], "s-42");
  EXPECT_EQ(json["status"], "COMPLETED");
  EXPECT_EQ(json["score"], 10.0);
  EXPECT_EQ(json, nlohmann::json::parse(util::read_file(tmp / "o/feedback.json")));
}

TEST_F(CliTest, InvalidSubmissionStillExitsZero) {
  util::write_file(tmp / "garbage.zip", "not a zip");
  const CommandResult r = run("grade garbage.zip --pit " + javac_pit().string() + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["status"], "INVALID_SUBMISSION");
  EXPECT_EQ(json["output"].get<std::string>().rfind("not a ZIP archive or corrupt", 0), 0u);
}

TEST_F(CliTest, MissingJdkIsARunnerErrorExitOne) {
  const CommandResult r =
      run("grade " + example_zip("correct").string() + " --pit " + javac_pit().string(),
          "JDK_VERSION=98");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("JDK 98 not found"), std::string::npos) << r.err;
}

TEST_F(CliTest, PitCheckWithSolution) {
  const fs::path pit = javac_pit();
  const CommandResult ok =
      run("pit check " + pit.string() + " --solution " + example_zip("correct").string());
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("✓ PIT calculator is valid"), std::string::npos);
  EXPECT_NE(ok.out.find("✓ the solution gets full marks"), std::string::npos);
  const CommandResult bad =
      run("pit check " + pit.string() + " --solution " + example_zip("partial").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("✗ the solution does not get full marks"), std::string::npos);
}

// A Maven PIT: pit check learns the build plan (as the first grade would) and says what it is.
// A pom.xml needing a library the offline repository lacks: every submission would end ERROR,
// so pit check fails, naming the artifact (not Maven's "[Help 1]" link).
TEST_F(CliTest, PitCheckNamesTheArtifactThePomNeedsAndTheOfflineRepositoryLacks) {
  const fs::path pit = maven_pit();
  const fs::path pom = pit / "overlay/pom.xml";
  std::string xml = util::read_file(pom);
  xml.replace(xml.find("<dependencies>"), 14,
              "<dependencies><dependency><groupId>org.assertj</groupId>"
              "<artifactId>assertj-core</artifactId><version>3.24.2</version>"
              "<scope>test</scope></dependency>");
  util::write_file(pom, xml);
  const CommandResult r =
      run("pit check " + pit.string(), "RUNNER_CACHE_DIR=" + (tmp / "cache").string());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("✗ maven fails on the PIT's own files: the PIT's build needs "
                       "org.assertj:assertj-core:jar:3.24.2, which is not in the offline "
                       "repository"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(r.err.find("[Help 1]"), std::string::npos) << r.err;

  // build_plan: false: Maven runs for every submission, and pit check still resolves the build
  // file offline now, so the missing artifact is named here, not in every student's log.
  util::write_file(pit / "pit.yaml", util::read_file(pit / "pit.yaml") + "build_plan: false\n");
  const CommandResult off =
      run("pit check " + pit.string(), "RUNNER_CACHE_DIR=" + (tmp / "cache").string());
  EXPECT_EQ(off.exit_code, 1) << off.out << off.err;
  EXPECT_NE(off.out.find("build plan: off (build_plan: false): maven runs for every submission"),
            std::string::npos)
      << off.out;
  EXPECT_NE(off.err.find("✗ maven fails on the PIT's own files: the PIT's build needs "
                         "org.assertj:assertj-core:jar:3.24.2"),
            std::string::npos)
      << off.out << off.err;

  fs::copy_file(testing::source_dir() / "examples/pits/calculator/overlay/pom.xml", pom,
                fs::copy_options::overwrite_existing);
  const CommandResult fixed =
      run("pit check " + pit.string(), "RUNNER_CACHE_DIR=" + (tmp / "cache").string());
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_NE(fixed.out.find("the build file resolves offline"), std::string::npos) << fixed.out;
}

// A test source importing a library the tests' class path lacks: every grade would be ERROR, so
// pit check fails without a solution, naming the file, the line, the import and the fix.
TEST_F(CliTest, PitCheckNamesATestImportTheClassPathLacks) {
  const fs::path pit = maven_pit();
  const fs::path test = pit / "overlay/src/test/java/edu/uoc/CalculatorTest.java";
  std::string java = util::read_file(test);
  const std::string after = "import org.junit.jupiter.api.Test;\n";
  ASSERT_EQ(util::split(java.substr(0, java.find(after)), '\n').size(), 6u);
  java.insert(java.find(after) + after.size(), "import org.assertj.core.api.Assertions;\n");
  util::write_file(test, java);
  const std::string env = "RUNNER_CACHE_DIR=" + (tmp / "cache").string();
  const CommandResult maven = run("pit check " + pit.string(), env);
  EXPECT_EQ(maven.exit_code, 1) << maven.out << maven.err;
  EXPECT_NE(maven.err.find("✗ overlay/src/test/java/edu/uoc/CalculatorTest.java:7: imports "
                           "org.assertj.core.api.Assertions, which is not on the tests' class "
                           "path; add the library to the build file as a test dependency"),
            std::string::npos)
      << maven.out << maven.err;

  util::write_file(pit / "pit.yaml",
                   std::regex_replace(util::read_file(pit / "pit.yaml"), std::regex("build: maven"),
                                      "build: javac"));
  const CommandResult javac = run("pit check " + pit.string(), env);
  EXPECT_EQ(javac.exit_code, 1) << javac.out << javac.err;
  EXPECT_NE(javac.err.find("CalculatorTest.java:7: imports org.assertj.core.api.Assertions, "
                           "which is not on the tests' class path; a javac PIT's tests have "
                           "JUnit 5, JUnit 4 and Hamcrest only"),
            std::string::npos)
      << javac.err;
}

// A Python PIT is checked like a Java one, and staff are told how far its results can be
// trusted (docs/python.md, "Known limits"); a Java PIT has no such note.
TEST_F(CliTest, PitCheckOfAPythonPitSaysHowFarItsResultsCanBeTrusted) {
  const CommandResult py =
      run("pit check " + (testing::source_dir() / "examples/pits/calculator-py").string());
  EXPECT_EQ(py.exit_code, 0) << py.out << py.err;
  EXPECT_NE(py.out.find("✓ PIT calculator-py is valid: python with pytest, 6 test(s)"),
            std::string::npos)
      << py.out;
  EXPECT_NE(py.out.find("note: Python results are not tamper-proof"), std::string::npos) << py.out;
  const CommandResult java = run("pit check " + javac_pit().string());
  EXPECT_EQ(java.exit_code, 0) << java.out << java.err;
  EXPECT_EQ(java.out.find("tamper-proof"), std::string::npos) << java.out;
}

TEST_F(CliTest, PitCheckLearnsAndShowsTheBuildPlan) {
  const std::string args =
      "pit check " + (testing::source_dir() / "examples/pits/calculator").string();
  const std::string env = "RUNNER_CACHE_DIR=" + (tmp / "cache").string();
  const CommandResult first = run(args, env);
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("build plan learnt from the PIT with Apache Maven 3.8.7"),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("compiler settings: -g -nowarn --release 17 -encoding UTF-8"),
            std::string::npos)
      << first.out;
  const CommandResult second = run(args, env);
  EXPECT_NE(second.out.find("build plan (Apache Maven 3.8.7, cached)"), std::string::npos)
      << second.out;
  EXPECT_EQ(
      std::distance(fs::directory_iterator(tmp / "cache/build-plans"), fs::directory_iterator()),
      1);
}

TEST_F(CliTest, PitCheckRejectsABrokenPit) {
  const fs::path pit = javac_pit();
  util::write_file(pit / "pit.yaml", "id: calculator\nwieghts: {}\n");
  const CommandResult r = run("pit check " + pit.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(":2: wieghts: unknown key"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace runner
