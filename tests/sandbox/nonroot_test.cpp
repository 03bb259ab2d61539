// `basic` with a non-root runner, as in a container image: the runner binary carries file
// capabilities and runs as an unprivileged user. Jobs must still run as their slot uid, with
// no capability left, and the runner must survive the end-of-job kill of that uid.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/share_dir.hpp"
#include "sandbox/capabilities.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner {
namespace {

namespace fs = std::filesystem;

// The capabilities the Dockerfile gives the binary.
constexpr const char* kCaps =
    "cap_chown,cap_dac_override,cap_fowner,cap_kill,cap_setgid,cap_setuid+ep";

int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class NonRootRunner : public ::testing::Test {
 protected:
  void SetUp() override {
    if (shell("command -v setcap >/dev/null && command -v setpriv >/dev/null") != 0) {
      GTEST_SKIP() << "setcap/setpriv missing (scripts/install.sh installs them)";
    }
    // Everything the unprivileged user reads lives in a folder it can reach: the checkout may
    // be under a private home.
    fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_exec |
                                    fs::perms::group_read | fs::perms::others_exec |
                                    fs::perms::others_read);
    fs::copy_file(RUNNER_BINARY, tmp / "runner");
    ASSERT_EQ(shell("setcap " + std::string(kCaps) + " '" + (tmp / "runner").string() + "'"), 0);
    fs::copy(testing::source_dir() / "share", tmp / "share", fs::copy_options::recursive);
    fs::create_directories(tmp / "testhost");
    fs::copy_file(testing::data_dirs().testhost / "runner-testhost.jar",
                  tmp / "testhost/runner-testhost.jar");
    fs::create_directories(tmp / "work");
    ASSERT_EQ(shell("chown 65534:65534 '" + (tmp / "work").string() + "'"), 0);
  }

  // Runs `runner grade` as uid 65534 and returns feedback.json.
  nlohmann::json grade_as_nobody() {
    const fs::path out = tmp / "work/out";
    const std::string command =
        "cd '" + tmp.path().string() + "' && env -i PATH=/usr/bin:/bin RUNNER_SANDBOX=basic " +
        "RUNNER_WORK_DIR='" + (tmp / "work").string() + "' RUNNER_SHARE_DIR='" +
        (tmp / "share").string() + "' RUNNER_TESTHOST_DIR='" + (tmp / "testhost").string() +
        "' setpriv --reuid=65534 --regid=65534 --clear-groups ./runner grade '" + zip.string() +
        "' --pit '" + pit.string() + "' --out '" + out.string() + "' >'" +
        (tmp / "stdout").string() + "' 2>&1";
    const int code = shell(command);
    EXPECT_EQ(code, 0) << util::read_file(tmp / "stdout");
    return nlohmann::json::parse(util::read_file(out / "feedback.json"));
  }

  // A PIT whose test checks, from inside the job, its uid and that it holds no capability; and
  // a submission for it. Sets `pit` and `zip`.
  void make_caps_pit() {
    pit = tmp / "pits/caps";
    fs::create_directories(pit / "overlay/src/test/java");
    util::write_file(pit / "pit.yaml", "id: caps\nbuild: javac\n");
    util::write_file(pit / "overlay/src/test/java/CapsTest.java",
                     "import static org.junit.jupiter.api.Assertions.assertEquals;\n"
                     "import java.nio.file.*;\n"
                     "class CapsTest {\n"
                     "  static String field(String name) throws Exception {\n"
                     "    for (String line : Files.readAllLines(Path.of(\"/proc/self/status\")))\n"
                     "      if (line.startsWith(name + \":\")) return line.substring(name.length() "
                     "+ 1).trim();\n"
                     "    return \"?\";\n"
                     "  }\n"
                     "  @org.junit.jupiter.api.Test void noCapabilities() throws Exception {\n"
                     "    assertEquals(\"0000000000000000\", field(\"CapEff\"));\n"
                     "    assertEquals(\"0000000000000000\", field(\"CapPrm\"));\n"
                     "    assertEquals(\"0000000000000000\", field(\"CapAmb\"));\n"
                     "  }\n"
                     "  @org.junit.jupiter.api.Test void runsAsASlotUid() throws Exception {\n"
                     "    String uid = field(\"Uid\").split(\"\\\\s+\")[0];\n"
                     "    assertEquals(true, Integer.parseInt(uid) >= 200000, uid);\n"
                     "  }\n"
                     "}\n");
    zip = tmp / "caps.zip";
    testing::ZipBuilder().file("src/main/java/Nothing.java", "class Nothing {}\n").write(zip);
    fs::permissions(zip, fs::perms::others_read, fs::perm_options::add);
  }

  fs::path pit, zip;
  testing::TempDir tmp;
};

TEST_F(NonRootRunner, GradesInBasicWithJobsHoldingNoCapability) {
  make_caps_pit();
  const auto feedback = grade_as_nobody();
  EXPECT_EQ(feedback["status"], "COMPLETED") << feedback.dump(2);
  EXPECT_EQ(feedback["sandbox"]["level"], "basic");
  EXPECT_EQ(feedback["tests_passed"], 2) << feedback.dump(2);
}

TEST_F(NonRootRunner, WithoutTheCapabilitiesBasicIsRefusedNamingThem) {
  make_caps_pit();
  const std::string command = "cd '" + tmp.path().string() +
                              "' && cp runner runner-plain && env -i PATH=/usr/bin:/bin "
                              "RUNNER_SANDBOX=basic setpriv --reuid=65534 --regid=65534 "
                              "--clear-groups ./runner-plain grade '" +
                              zip.string() + "' --pit '" + pit.string() + "' >'" +
                              (tmp / "stdout").string() + "' 2>&1";
  EXPECT_NE(shell(command), 0);
  const std::string output = util::read_file(tmp / "stdout");
  EXPECT_NE(output.find("lacks CAP_SETUID, CAP_SETGID, CAP_CHOWN"), std::string::npos) << output;
}

// What keeps the end-of-job kill helper (uids::kill_all) from holding CAP_KILL: a process that
// keeps its capabilities across setresuid (as a never-root runner's children do) has none left
// after drop_all().
TEST(Capabilities, DropAllLeavesNothingAfterAUidChangeThatKeptThem) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    auto permitted = []() {
      std::ifstream status("/proc/self/status");
      for (std::string line; std::getline(status, line);) {
        if (line.starts_with("CapPrm:")) return line.substr(7);
      }
      return std::string("?");
    };
    // PR_SET_KEEPCAPS: like a runner that was never root, the uid change keeps the capabilities.
    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) _exit(2);
    std::string report = "before:" + permitted();
    report += " dropped:" + std::string(sandbox::capabilities::drop_all() ? "yes" : "no");
    report += " after:" + permitted();
    if (write(pipe_fds[1], report.data(), report.size()) < 0) _exit(3);
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string report(512, '\0');
  const ssize_t n = read(pipe_fds[0], report.data(), report.size());
  report.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << report;
  EXPECT_EQ(report.find("before:\t0000000000000000"), std::string::npos) << report;
  EXPECT_NE(report.find("dropped:yes after:\t0000000000000000"), std::string::npos) << report;
}

}  // namespace
}  // namespace runner
