// The plain launcher's contract: ordered output, exact environment, deadline, nothing left behind.
#include "exec/launcher.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "exec/process_tree.hpp"
#include "exec/supervise.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::exec {
namespace {

using namespace std::chrono_literals;

class LauncherTest : public ::testing::Test {
 protected:
  RunResult sh(const std::string& script, std::chrono::milliseconds limit = 20s) {
    Command cmd{
        {"sh", "-c", script}, tmp.path(), {"PATH=/usr/bin:/bin", "ONLY=this"}, tmp.path(), {}};
    TextCapture capture(1 << 20);
    auto result = launcher->run(cmd, Clock::now() + limit, capture);
    output = capture.text();
    return result;
  }
  std::unique_ptr<Launcher> launcher = make_plain_launcher();
  runner::testing::TempDir tmp;
  std::string output;
};

TEST_F(LauncherTest, InterleavesStdoutAndStderrInOrder) {
  const auto r = sh("echo one; echo two >&2; echo three; echo four >&2");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(output, "one\ntwo\nthree\nfour\n");
}

TEST_F(LauncherTest, GivesTheJobOnlyItsOwnEnvironment) {
  setenv("RUNNER_TEST_CANARY_SECRET", "canary-123", 1);
  sh("env | sort; pwd");
  unsetenv("RUNNER_TEST_CANARY_SECRET");
  EXPECT_EQ(output.find("canary-123"), std::string::npos);
  EXPECT_NE(output.find("ONLY=this"), std::string::npos);
  EXPECT_NE(output.find(tmp.path().string()), std::string::npos);
}

TEST_F(LauncherTest, ReportsExitCodesAndSignals) {
  EXPECT_EQ(sh("exit 7").exit_code, 7);
  EXPECT_EQ(sh("kill -SEGV $$").signal, SIGSEGV);
}

TEST_F(LauncherTest, MissingProgramIsALaunchError) {
  Command cmd{{"no-such-program-xyz"}, tmp.path(), {"PATH=/usr/bin:/bin"}, tmp.path(), {}};
  TextCapture capture;
  EXPECT_THROW(launcher->run(cmd, Clock::now() + 5s, capture), LaunchError);
}

TEST_F(LauncherTest, DeadlineKillsTheWholeTreeIncludingEscapedDaemons) {
  // A child in the group, a grandchild in its own session (setsid), and a pipe holder.
  const auto marker = tmp / "alive";
  const auto r = sh("sleep 300 & setsid sh -c 'while true; do touch " + marker.string() +
                        "; sleep 0.1; done' & echo started; wait",
                    1500ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(output.find("started"), std::string::npos);
  std::filesystem::remove(marker);
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "a daemon survived the job";
  EXPECT_TRUE(descendants_of(getpid()).empty());
}

TEST_F(LauncherTest, DaemonsLeftBehindByAFinishedJobAreKilled) {
  const auto marker = tmp / "alive";
  const auto r = sh("setsid nohup sh -c 'while true; do touch " + marker.string() +
                    "; sleep 0.1; done' >/dev/null 2>&1 & sleep 0.3; echo done");
  EXPECT_TRUE(r.ok());
  std::filesystem::remove(marker);
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "a daemon survived the job";
}

TEST_F(LauncherTest, EndlessOutputIsReadUntilTheDeadline) {
  Command cmd{{"sh", "-c", "yes 0123456789"}, tmp.path(), {"PATH=/usr/bin:/bin"}, tmp.path(), {}};
  HeadTail kept(1000);
  struct Sink : OutputSink {
    HeadTail& h;
    explicit Sink(HeadTail& x) : h(x) {}
    void write(std::string_view b) override { h.write(b); }
  } sink(kept);
  const auto r = launcher->run(cmd, Clock::now() + 1s, sink);
  EXPECT_TRUE(r.timed_out);
  EXPECT_GT(kept.total(), 1000000);  // the pipe was drained, never blocked
  EXPECT_LE(kept.text().size(), 1100u);
}

// A child reaped by someone else before supervise() waits for it (basic's kill-by-uid sweep reaps
// the uid's orphans) has lost its exit status: that must read as a failure, never as exit 0.
TEST(Supervise, AStatusReapedElsewhereIsNeverACleanExit) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(out[0]);
    _exit(0);
  }
  close(out[1]);
  SuperviseHooks hooks;
  hooks.kill_all = [pid] { waitpid(pid, nullptr, 0); };  // someone else reaps it first
  TextCapture capture(1024);
  const RunResult r = supervise(pid, out[0], Clock::now() + 10s, capture, hooks);
  close(out[0]);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_EQ(r.signal, 0);
}

}  // namespace
}  // namespace runner::exec
