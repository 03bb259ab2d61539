// The adversarial suite: what a hostile submission tries, run through the launcher at `full` and
// at `basic`. Each attack must be contained, and the runner (this process) must survive. A few
// tests run the same attack through the unsandboxed `none` launcher to show the suite would
// catch a missing sandbox.
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "exec/launcher.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/probe.hpp"
#include "sandbox/select.hpp"
#include "sandbox/uids.hpp"
#include "support/sandbox_level.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kCanary = "canary-secret-7f3a9c";

class CountingSink : public exec::OutputSink {
 public:
  void write(std::string_view bytes) override {
    total += bytes.size();
    if (text.size() < 64 * 1024) text.append(bytes.substr(0, 64 * 1024 - text.size()));
  }
  std::size_t total = 0;
  std::string text;
};

// A job folder like workspace::JobDirs, a launcher of the level, and helpers to run scripts.
class Attack : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    setenv("RUNNER_TEST_AWS_SECRET_ACCESS_KEY", kCanary, 1);
    const std::string level = GetParam();
    if (level != "none") RUNNER_SKIP_UNLESS_SANDBOX(level);
    const auto requested = level == "full"    ? sandbox::Level::Full
                           : level == "basic" ? sandbox::Level::Basic
                                              : sandbox::Level::None;
    launcher = select_launcher(requested, 0).launcher;
    root = tmp / "job";
    for (const char* dir : {"project", "reports", "classes", "home", "tmp"}) {
      fs::create_directories(root / dir);
    }
    launcher->prepare_job(root);
    prepared = true;
  }
  void TearDown() override {
    if (prepared) launcher->release_job(root);
    if (GetParam() != "none") {
      EXPECT_TRUE(uids::processes_of(uids::job_uid(0)).empty()) << "job processes left behind";
    }
  }

  exec::RunResult run(const std::vector<std::string>& argv, std::chrono::milliseconds limit = 20s) {
    exec::Command cmd{argv,
                      root / "project",
                      {"PATH=/usr/bin:/bin", "HOME=" + (root / "home").string(),
                       "TMPDIR=" + (root / "tmp").string(), "LANG=C.UTF-8"},
                      root,
                      limits};
    output = CountingSink();
    const auto started = exec::Clock::now();
    auto result = launcher->run(cmd, exec::Clock::now() + limit, output);
    elapsed = exec::Clock::now() - started;
    return result;
  }
  exec::RunResult sh(const std::string& script, std::chrono::milliseconds limit = 20s) {
    return run({"sh", "-c", script}, limit);
  }
  exec::RunResult python(const std::string& code, std::chrono::milliseconds limit = 20s) {
    return run({"/usr/bin/python3", "-c", code}, limit);
  }

  testing::TempDir tmp;
  fs::path root;
  std::unique_ptr<exec::Launcher> launcher;
  bool prepared = false;
  exec::JobLimits limits;
  CountingSink output;
  exec::Clock::duration elapsed{};
};

using Sandboxed = Attack;
using Unsandboxed = Attack;

std::string level_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

// --- processes --------------------------------------------------------------------------

TEST_P(Sandboxed, ForkBombIsBoundedAndCleanedUp) {
  limits.max_processes = 64;
  std::atomic<bool> running{true};
  std::size_t most = 0;
  std::thread watcher([&] {
    while (running) {
      most = std::max(most, uids::processes_of(uids::job_uid(0)).size());
      std::this_thread::sleep_for(20ms);
    }
  });
  const auto r = python("import os\nwhile True:\n try:\n  os.fork()\n except OSError:\n  pass", 4s);
  running = false;
  watcher.join();
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(elapsed, 15s);
  EXPECT_GT(most, 10u) << "the bomb did not even start";
  EXPECT_LE(most, 64u + 2u) << "more processes than max_processes";
}

TEST_P(Sandboxed, BusyLoopInAForkedChildHitsTheCpuLimit) {
  limits.cpu_seconds = 2;
  const auto r = sh("(while :; do :; done) & (while :; do :; done) & wait", 25s);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(elapsed, 12s) << "stopped by the CPU limit, not the 25 s deadline";
  EXPECT_NE(output.text.find("CPU time limit"), std::string::npos) << output.text;
}

// A single process over the CPU budget: RLIMIT_CPU (SIGXCPU) or the sampler, whichever comes
// first, stops it, and the verdict is the CPU limit (TIMEOUT), not the 20 s wall clock.
TEST_P(Sandboxed, AProcessOverTheCpuLimitIsStoppedWithACpuVerdict) {
  limits.cpu_seconds = 1;
  const auto r = sh("while :; do :; done", 20s);
  EXPECT_TRUE(r.timed_out);
  EXPECT_TRUE(r.signal == SIGXCPU || r.signal == SIGKILL) << r.signal;
  EXPECT_LT(elapsed, 8s) << "stopped by the CPU limit, not the 20 s deadline";
  EXPECT_NE(output.text.find("CPU time limit of 1 s exceeded"), std::string::npos) << output.text;
}

// Nothing sets cpu_seconds (as the drivers do not): every process still gets an RLIMIT_CPU
// derived from the deadline, and a busy loop detached with setsid ends with the job.
TEST_P(Sandboxed, BusyLoopDetachedWithSetsidEndsWithTheJobAndHasACpuLimit) {
  ASSERT_EQ(limits.cpu_seconds, 0);
  const auto r =
      sh("setsid sh -c 'while :; do :; done # busy-loop-5c1e' </dev/null >/dev/null 2>&1 &"
         " sleep 1; grep 'Max cpu time' /proc/$!/limits; echo started",
         20s);
  EXPECT_TRUE(r.ok()) << output.text;
  EXPECT_LT(elapsed, 10s) << "the detached loop kept the run alive";
  EXPECT_NE(output.text.find("started"), std::string::npos) << output.text;
  const auto line = output.text.substr(0, output.text.find('\n'));
  EXPECT_NE(line.find("Max cpu time"), std::string::npos) << output.text;
  EXPECT_EQ(line.find("unlimited"), std::string::npos) << "no RLIMIT_CPU: " << line;
  EXPECT_TRUE(uids::processes_of(uids::job_uid(0)).empty());
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(cmdline.find("busy-loop-5c1e"), std::string::npos) << e.path() << " survived";
  }
}

// `full` with JobLimits::cpus: the cgroup CPU quota holds a busy job to its share of a CPU.
TEST_P(Sandboxed, CpuQuotaHoldsABusyJobToItsShare) {
  if (GetParam() != "full") GTEST_SKIP() << "a CPU quota needs a cgroup (`full` only)";
  if (!probe::host().cgroups.cpu_quota.version) {
    GTEST_SKIP() << probe::host().cgroups.cpu_quota.reason;
  }
  limits.cpus = 0.2;
  const auto r = python(
      "import time\ns=time.time()\nwhile time.time()-s<3: pass\n"
      "print('cpu %.2f' % time.process_time())");
  ASSERT_TRUE(r.ok()) << output.text;
  const auto at = output.text.find("cpu ");
  ASSERT_NE(at, std::string::npos) << output.text;
  const double cpu = std::stod(output.text.substr(at + 4));
  // 0.6 s at 0.2 CPU; unbounded, a loop gets 1.5 s or more even on a loaded 2-CPU host.
  EXPECT_LT(cpu, 1.0) << "3 s of busy loop at 0.2 CPU";
  EXPECT_GT(cpu, 0.3);
}

TEST_P(Sandboxed, DaemonLeftWithSetsidAndNohupIsGoneAfterwards) {
  // Durations no other process on the host is likely to sleep for: the scan below is host-wide
  // (a daemon that left the job's uid would be missed by processes_of).
  const std::string first = std::to_string(700000 + getpid() % 100000);
  const std::string second = std::to_string(800000 + getpid() % 100000);
  const auto r = sh("setsid sh -c 'sleep " + first + "' >/dev/null 2>&1 & nohup sleep " + second +
                    " >/dev/null 2>&1 & echo started");
  EXPECT_TRUE(r.ok()) << output.text;
  EXPECT_NE(output.text.find("started"), std::string::npos);
  EXPECT_TRUE(uids::processes_of(uids::job_uid(0)).empty());
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(cmdline.find(std::string("sleep") + '\0' + first), std::string::npos) << cmdline;
    EXPECT_EQ(cmdline.find(std::string("sleep") + '\0' + second), std::string::npos) << cmdline;
  }
}

TEST_P(Sandboxed, KillingTheParentLeavesTheRunnerAlive) {
  const auto me = std::to_string(getpid());
  sh("kill -9 $PPID; kill -9 " + me + "; kill -9 1; kill -9 -1; echo after");
  // This process is still here to check.
  EXPECT_NE(output.text.find("after"), std::string::npos) << output.text;
}

// --- memory ------------------------------------------------------------------------------

TEST_P(Sandboxed, NativeMemoryBombInAChildIsMemoryLimit) {
  limits.memory_mb = 256;
  const auto r =
      sh("/usr/bin/python3 -c 'import time\na=[]\nwhile True:\n a.append(bytearray(32<<20))\n "
         "time.sleep(0.02)' & wait; echo survived",
         30s);
  EXPECT_TRUE(r.memory_limit_hit) << output.text;
  EXPECT_FALSE(r.timed_out);
}

TEST_P(Sandboxed, JavaHeapBombAboveTheJobLimitIsMemoryLimit) {
  limits.memory_mb = 256;
  util::write_file(root / "project/Hog.java",
                   "public class Hog { public static void main(String[] a) throws Exception {\n"
                   "  java.util.List<long[]> l = new java.util.ArrayList<>();\n"
                   "  while (true) { l.add(new long[4 << 20]); Thread.sleep(10); } } }\n");
  uids::chown_tree(root / "project", uids::job_uid(0), uids::job_uid(0));
  const auto r =
      run({"/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-Xmx2g", "-Xms16m", "Hog.java"}, 60s);
  EXPECT_TRUE(r.memory_limit_hit) << output.text;
  EXPECT_FALSE(r.ok());
}

// --- disk and output ---------------------------------------------------------------------

TEST_P(Sandboxed, OneHugeFileStopsAtTheFileSizeLimit) {
  limits.max_file_bytes = 32LL << 20;
  sh("dd if=/dev/zero of=big bs=1M count=200 2>&1; echo done");
  EXPECT_LE(fs::file_size(root / "project/big"), 32ULL << 20);
}

TEST_P(Sandboxed, ManyFilesStopAtTheDiskLimit) {
  limits.max_file_bytes = 32LL << 20;
  limits.max_disk_bytes = 96LL << 20;
  const auto r =
      sh("i=0; while [ $i -lt 40 ]; do dd if=/dev/zero of=f$i bs=1M count=32 2>/dev/null;"
         " sleep 0.1; i=$((i+1)); done; echo wrote all",
         60s);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(output.text.find("wrote all"), std::string::npos);
  EXPECT_LT(uids::disk_usage(root), 400LL << 20);
}

TEST_P(Sandboxed, FillingTmpIsBounded) {
  limits.max_disk_bytes = 64LL << 20;
  limits.max_file_bytes = 1LL << 30;
  sh("dd if=/dev/zero of=/tmp/fill bs=1M count=1000 2>&1; df /tmp 2>&1; echo done");
  // In `full` /tmp is the job's own tmpfs (64 MB here); in `basic` Landlock forbids writing it.
  EXPECT_FALSE(fs::exists("/tmp/fill") && fs::file_size("/tmp/fill") > (64ULL << 20));
  std::error_code ec;
  fs::remove("/tmp/fill", ec);
}

TEST_P(Sandboxed, FiftyMegabytesOfOutputAreReadAndTheRunnerSurvives) {
  const auto r = sh("head -c 50000000 /dev/zero | tr '\\0' x", 60s);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(output.total, 50000000u);
}

// --- network -----------------------------------------------------------------------------

// A listener on the host's 127.0.0.1; returns its port.
int listen_on_loopback(int& listener) {
  listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 8) != 0) {
    return -1;
  }
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

std::string connect_script(int port) {
  return "import socket\ntry:\n s=socket.create_connection(('127.0.0.1'," + std::to_string(port) +
         "),timeout=3)\n s.sendall(b'stolen')\n print('connected')\nexcept Exception as e:\n "
         "print('blocked', e)";
}

TEST_P(Sandboxed, TcpConnectionToTheHostLoopbackNeverArrives) {
  int listener = -1;
  const int port = listen_on_loopback(listener);
  ASSERT_GT(port, 0);
  python(connect_script(port));
  EXPECT_EQ(output.text.find("connected"), std::string::npos) << output.text;
  EXPECT_LT(accept(listener, nullptr, nullptr), 0) << "a connection arrived";
  close(listener);
}

TEST_P(Sandboxed, NetworkTrueLetsTheJobConnect) {
  limits.network = true;
  int listener = -1;
  const int port = listen_on_loopback(listener);
  ASSERT_GT(port, 0);
  python(connect_script(port));
  EXPECT_NE(output.text.find("connected"), std::string::npos) << output.text;
  close(listener);
}

// --- secrets -----------------------------------------------------------------------------

TEST_P(Sandboxed, TheRunnersEnvironmentAndOtherProcessesEnvironAreUnreadable) {
  const auto me = std::to_string(getpid());
  sh("env; cat /proc/" + me +
     "/environ; cat /proc/1/environ; for f in /proc/[0-9]*/environ; do "
     "cat $f; done; cat /proc/" +
     me + "/cmdline; echo end");
  EXPECT_EQ(output.text.find(kCanary), std::string::npos) << "the canary leaked";
  EXPECT_NE(output.text.find("end"), std::string::npos);
}

TEST_P(Sandboxed, EtcShadowIsUnreadable) {
  const auto r = sh("cat /etc/shadow");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(output.text.find("root:"), std::string::npos) << output.text;
}

// --- file system -------------------------------------------------------------------------

TEST_P(Sandboxed, WritingOutsideTheWorkspaceFails) {
  const fs::path outside = tmp / "outside";
  fs::create_directories(outside);
  fs::permissions(outside, fs::perms::all | fs::perms::sticky_bit);
  sh("for f in " + outside.string() +
     "/pwned /etc/pwned /usr/pwned /var/tmp/pwned-runner /root/pwned; do echo x > $f "
     "&& echo wrote $f; done; echo x > /dev/shm/pwned-runner; true");
  EXPECT_EQ(output.text.find("wrote"), std::string::npos) << output.text;
  EXPECT_FALSE(fs::exists(outside / "pwned"));
  EXPECT_FALSE(fs::exists("/var/tmp/pwned-runner"));
  // In `full` /dev/shm is the job's own (a bounded tmpfs, gone with it): never the host's.
  EXPECT_FALSE(fs::exists("/dev/shm/pwned-runner"));
  std::error_code ec;
  fs::remove("/var/tmp/pwned-runner", ec);
  fs::remove("/dev/shm/pwned-runner", ec);
}

TEST_P(Sandboxed, SymlinkTricksInsideTheWorkspaceReachNothing) {
  const fs::path outside = tmp / "outside";
  fs::create_directories(outside);
  fs::permissions(outside, fs::perms::all | fs::perms::sticky_bit);
  util::write_file(outside / "victim", "original");
  sh("ln -s /etc/shadow shadow; cat shadow; ln -s " + outside.string() +
     " out; echo evil > out/victim; echo evil > out/new; ln -s " + (outside / "victim").string() +
     " ../reports/TEST-link.xml; true");
  EXPECT_EQ(output.text.find("root:"), std::string::npos);
  EXPECT_EQ(util::read_file(outside / "victim"), "original");
  EXPECT_FALSE(fs::exists(outside / "new"));
  // Handing the folder back does not follow the job's symlinks.
  launcher->release_job(root);
  prepared = false;
  struct stat st {};
  ASSERT_EQ(stat((outside / "victim").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
}

// A folder like a PIT's (its hidden tests), 0755 with a 0644 file, outside the job folder, under
// /var/tmp (not /tmp: `full` would hide the host's /tmp behind its own anyway).
struct OutsideFolder {
  OutsideFolder() {
    char templ[] = "/var/tmp/runner-pit-XXXXXX";
    if (mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp in /var/tmp");
    path = templ;
    fs::create_directories(path / "src/test");
    util::write_file(path / "src/test/HiddenTest.java", "hidden-test-4d2b\n");
    util::write_file(path / "src/test/ListedOnly42Test.java", "");
    for (const auto& dir : {path, path / "src", path / "src/test"}) chmod(dir.c_str(), 0755);
    for (const char* f : {"HiddenTest.java", "ListedOnly42Test.java"}) {
      chmod((path / "src/test" / f).c_str(), 0644);
    }
  }
  ~OutsideFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

// Whether `uid` (no sandbox, just the uid) may open `file` for reading.
bool readable_as(uid_t uid, const fs::path& file) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (setgroups(0, nullptr) != 0 || setresgid(uid, uid, uid) != 0 ||
        setresuid(uid, uid, uid) != 0) {
      _exit(2);
    }
    _exit(open(file.c_str(), O_RDONLY | O_CLOEXEC) >= 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST_P(Sandboxed, AFolderOutsideTheJobIsUnreadableThoughTheUidCouldReadIt) {
  if (GetParam() == "basic" && probe::host().landlock_abi == 0) {
    GTEST_SKIP() << "no Landlock: at `basic` reads are left to the uid's permissions";
  }
  OutsideFolder pit;
  const fs::path hidden = pit.path / "src/test/HiddenTest.java";
  // Only the sandbox stands in the way: the slot uid itself may read the file.
  ASSERT_TRUE(readable_as(uids::job_uid(0), hidden));
  util::write_file(root / "project/Own.java", "own-file-9e1c\n");
  uids::chown_tree(root / "project", uids::job_uid(0), uids::job_uid(0));
  sh("cat " + hidden.string() + "; ls " + (pit.path / "src/test").string() +
     "; ls /var/tmp; cat Own.java; ls " + root.string() + "; true");
  EXPECT_EQ(output.text.find("hidden-test-4d2b"), std::string::npos) << output.text;
  EXPECT_EQ(output.text.find("ListedOnly42Test"), std::string::npos) << output.text;
  // (`ls /var/tmp` would list the folder's name.)
  EXPECT_EQ(output.text.find(pit.path.filename().string() + "\n"), std::string::npos)
      << output.text;
  // The job's own folder reads as usual.
  EXPECT_NE(output.text.find("own-file-9e1c"), std::string::npos) << output.text;
  EXPECT_NE(output.text.find("project\n"), std::string::npos) << output.text;
}

// --- kernel attack surface ---------------------------------------------------------------

TEST_P(Sandboxed, PtraceIsDeniedWithEperm) {
  python(
      "import ctypes\nl=ctypes.CDLL(None, use_errno=True)\nr=l.ptrace(0,0,0,0)\n"
      "print('ptrace', r, ctypes.get_errno())");
  EXPECT_NE(output.text.find("ptrace -1 1"), std::string::npos) << output.text;
}

TEST_P(Sandboxed, NamespacesAndMountsAreDenied) {
  python(
      "import ctypes\nl=ctypes.CDLL(None, use_errno=True)\n"
      "print('unshare', l.unshare(0x10000000), ctypes.get_errno())\n"
      "print('mount', l.mount(b'none', b'/tmp', b'tmpfs', 0, None), ctypes.get_errno())");
  EXPECT_NE(output.text.find("unshare -1 1"), std::string::npos) << output.text;
  EXPECT_NE(output.text.find("mount -1 1"), std::string::npos) << output.text;
}

TEST_P(Sandboxed, RunsAsAnUnprivilegedUid) {
  sh("id -u; cat /proc/self/status | grep CapEff");
  EXPECT_EQ(output.text.find("\n0\n"), std::string::npos);
  EXPECT_NE(output.text.find("CapEff:\t0000000000000000"), std::string::npos) << output.text;
}

INSTANTIATE_TEST_SUITE_P(Levels, Sandboxed, ::testing::Values("full", "basic"), level_name);

// --- basic: the Gradle exception ----------------------------------------------------------
// In `basic` (no network namespace) a job gets no AF_INET socket, except a command named
// `gradle`, whose processes (its daemon and test JVMs included) talk over loopback TCP. With
// Landlock ABI >= 4 that TCP is narrowed to listening on a kernel-chosen ephemeral port and
// connecting to ports of the ephemeral range: PostgreSQL (5432), the runner's HTTP port (8080)
// and every other port below the range stay closed.

using BasicNetwork = Attack;

// The first port below the ephemeral range that `fd` (a fresh TCP socket) can bind on 127.0.0.1.
int bind_below_ephemeral(int fd) {
  const auto [first, last] = landlock::ephemeral_ports();
  for (int port = first - 1; port > 1024; --port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return port;
  }
  return -1;
}

class NetworkProbe {
 public:
  NetworkProbe() {
    ephemeral_port = listen_on_loopback(ephemeral);
    low = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    low_port = bind_below_ephemeral(low);
    listen(low, 8);
    const int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    free_low_port = bind_below_ephemeral(probe);  // free again once closed
    close(probe);
  }
  ~NetworkProbe() {
    close(ephemeral);
    close(low);
  }
  std::vector<std::string> args() const {
    return {std::to_string(ephemeral_port), std::to_string(low_port),
            std::to_string(free_low_port)};
  }
  bool arrived(int listener) const {
    const int fd = accept(listener, nullptr, nullptr);
    if (fd >= 0) close(fd);
    return fd >= 0;
  }
  int ephemeral = -1, low = -1;
  int ephemeral_port = -1, low_port = -1, free_low_port = -1;
};

// Prints "connect <port> ok|denied <errno>" for the two listeners and "listen <port> ..." for
// port 0 and a free port below the ephemeral range.
constexpr const char* kProbeScript = R"(import socket, sys
def attempt(what, fn):
    try:
        fn()
        print(what, 'ok')
    except OSError as e:
        print(what, 'denied', e.errno)
def connect(port):
    s = socket.create_connection(('127.0.0.1', port), timeout=3)
    s.sendall(b'x')
    s.close()
def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(('127.0.0.1', port))
    s.listen(1)
    s.close()
eph, low, free = map(int, sys.argv[1:4])
attempt('connect %d' % eph, lambda: connect(eph))
attempt('connect %d' % low, lambda: connect(low))
attempt('listen 0', lambda: listen(0))
attempt('listen %d' % free, lambda: listen(free))
)";

TEST_P(BasicNetwork, ACommandWithoutLoopbackTcpGetsNoTcpAtAll) {
  NetworkProbe net;
  ASSERT_GT(net.ephemeral_port, 0);
  ASSERT_GT(net.low_port, 0);
  util::write_file(root / "project/probe.py", kProbeScript);
  uids::chown_tree(root / "project", uids::job_uid(0), uids::job_uid(0));
  auto argv = std::vector<std::string>{"/usr/bin/python3", "probe.py"};
  for (const auto& a : net.args()) argv.push_back(a);
  run(argv);
  const auto p = [](int port) { return std::to_string(port); };
  // socket(AF_INET) itself fails with EPERM (seccomp).
  EXPECT_NE(output.text.find("connect " + p(net.ephemeral_port) + " denied 1\n"), std::string::npos)
      << output.text;
  EXPECT_NE(output.text.find("connect " + p(net.low_port) + " denied 1\n"), std::string::npos);
  EXPECT_NE(output.text.find("listen 0 denied 1\n"), std::string::npos);
  EXPECT_FALSE(net.arrived(net.ephemeral));
  EXPECT_FALSE(net.arrived(net.low));
}

TEST_P(BasicNetwork, ALoopbackTcpBuildAndItsChildrenGetTcpOnEphemeralPortsOnly) {
  NetworkProbe net;
  ASSERT_GT(net.ephemeral_port, 0);
  ASSERT_GT(net.low_port, 0);
  ASSERT_GT(net.free_low_port, 0);
  // A build tool that asks for loopback TCP (JobLimits::loopback_tcp, as the Gradle driver does)
  // and a child that, like Gradle's test JVMs, inherits the exception.
  fs::create_directories(root / "project/bin");
  util::write_file(root / "project/probe.py", kProbeScript);
  util::write_file(root / "project/bin/gradle",
                   "#!/bin/sh\n/usr/bin/python3 \"$(dirname \"$0\")/../probe.py\" \"$@\"\n"
                   "echo gradle-done\n");
  fs::permissions(root / "project/bin/gradle", fs::perms::owner_all | fs::perms::group_read |
                                                   fs::perms::group_exec | fs::perms::others_read |
                                                   fs::perms::others_exec);
  uids::chown_tree(root / "project", uids::job_uid(0), uids::job_uid(0));
  limits.loopback_tcp = true;
  auto argv = std::vector<std::string>{(root / "project/bin/gradle").string()};
  for (const auto& a : net.args()) argv.push_back(a);
  const auto r = run(argv);
  ASSERT_TRUE(r.ok()) << output.text;
  const auto p = [](int port) { return std::to_string(port); };
  EXPECT_NE(output.text.find("connect " + p(net.ephemeral_port) + " ok\n"), std::string::npos)
      << output.text;
  EXPECT_TRUE(net.arrived(net.ephemeral));
  EXPECT_NE(output.text.find("listen 0 ok\n"), std::string::npos) << output.text;
  if (landlock::abi_version() < 4) {
    // No Landlock network rules: the whole of TCP is open to a Gradle build.
    GTEST_SKIP() << "Landlock ABI < 4: TCP is not narrowed for gradle on this host";
  }
  // Below the ephemeral range: Landlock refuses with EACCES.
  EXPECT_NE(output.text.find("connect " + p(net.low_port) + " denied 13\n"), std::string::npos)
      << output.text;
  EXPECT_FALSE(net.arrived(net.low));
  EXPECT_NE(output.text.find("listen " + p(net.free_low_port) + " denied 13\n"), std::string::npos)
      << output.text;
}

INSTANTIATE_TEST_SUITE_P(Levels, BasicNetwork, ::testing::Values("basic"), level_name);

// --- the same attacks without a sandbox: the suite notices -------------------------------

TEST_P(Unsandboxed, PlainLauncherLetsTheAttacksThrough) {
  const fs::path outside = tmp / "outside";
  fs::create_directories(outside);
  const auto me = std::to_string(getpid());
  OutsideFolder pit;
  sh("cat /proc/" + me + "/environ; echo x > " + outside.string() + "/pwned; cat " +
     (pit.path / "src/test/HiddenTest.java").string());
  EXPECT_NE(output.text.find(kCanary), std::string::npos) << "environ of the runner is readable";
  EXPECT_NE(output.text.find("hidden-test-4d2b"), std::string::npos) << "a PIT's tests are read";
  EXPECT_TRUE(fs::exists(outside / "pwned")) << "writing outside the workspace works";
  python("import ctypes\nl=ctypes.CDLL(None, use_errno=True)\nprint('ptrace', l.ptrace(0,0,0,0))");
  EXPECT_NE(output.text.find("ptrace 0"), std::string::npos) << output.text;
}

INSTANTIATE_TEST_SUITE_P(Levels, Unsandboxed, ::testing::Values("none"), level_name);

// Read-only data the builds need (the runner's share dir) stays visible when it lives under /tmp,
// where the job gets a private tmpfs: CI and developers may check the repository out there.
TEST(FullView, ReadOnlyDataUnderTmpStaysVisible) {
  RUNNER_SKIP_UNLESS_SANDBOX("full");
  testing::TempDir data;  // under /tmp
  fs::permissions(data.path(), fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
  util::write_file(data / "probe.txt", "visible\n");
  auto launcher =
      select_launcher(sandbox::Level::Full, 0, uids::kDefaultBase, {data.path().string()}).launcher;

  testing::TempDir job;
  for (const char* dir : {"project", "home", "tmp"}) fs::create_directories(job / dir);
  launcher->prepare_job(job.path());
  CountingSink out;
  exec::Command cmd{{"cat", (data / "probe.txt").string()},
                    job / "project",
                    {"PATH=/usr/bin:/bin"},
                    job.path(),
                    {}};
  const auto r = launcher->run(cmd, exec::Clock::now() + 20s, out);
  launcher->release_job(job.path());
  EXPECT_TRUE(r.ok()) << out.text;
  EXPECT_EQ(out.text, "visible\n");
}

}  // namespace
}  // namespace runner::sandbox
