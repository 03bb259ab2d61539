#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <stdexcept>
#include <system_error>

#include "drivers/build_plan.hpp"
#include "drivers/driver.hpp"
#include "drivers/step.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

Toolchain Toolchain::discover(int jdk_version, const fs::path& share_dir,
                              const fs::path& testhost_dir) {
  Toolchain tools;
  tools.share_dir = share_dir;
  if (!fs::is_regular_file(testhost_dir / "runner-testhost.jar")) {
    throw std::runtime_error("the test host " + (testhost_dir / "runner-testhost.jar").string() +
                             " is missing (scripts/build.sh builds it; RUNNER_TESTHOST_DIR "
                             "names another folder)");
  }
  tools.testhost_jar = testhost_dir / "runner-testhost.jar";
  if (fs::is_regular_file(testhost_dir / "runner-testhost.jsa")) {
    tools.testhost_archive = testhost_dir / "runner-testhost.jsa";
  }
  if (fs::is_regular_file(testhost_dir / "maven.jsa"))
    tools.maven_archive = testhost_dir / "maven.jsa";
  const std::string prefix = "java-" + std::to_string(jdk_version) + "-openjdk";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/jvm", ec)) {
    const std::string name = entry.path().filename();
    if (name.starts_with(prefix) && fs::exists(entry.path() / "bin/javac")) {
      tools.java_home = entry.path();
      break;
    }
  }
  if (tools.java_home.empty()) {
    throw std::runtime_error("JDK " + std::to_string(jdk_version) + " not found (looked for " +
                             "/usr/lib/jvm/" + prefix + "-*/bin/javac; see scripts/install.sh)");
  }
  return tools;
}

void create_job_file(const fs::path& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot create " + path.string());
  ::fchmod(fd, 0644);  // readable by the job whatever the runner's umask
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw std::system_error(err, std::generic_category(), "cannot write " + path.string());
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

std::string maven_jvm_options(const Toolchain& tools) {
  std::string options = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  if (!tools.maven_archive.empty()) {
    options += " -XX:SharedArchiveFile=" + tools.maven_archive.string() +
               " -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off";
  }
  return options;
}

int heap_mb(int memory_mb) {
  return std::max(64, memory_mb * 3 / 8);
}

exec::JobLimits job_limits(const pit::Pit& pit) {
  exec::JobLimits limits;
  limits.memory_mb = pit.memory_mb;
  limits.network = pit.network;
  return limits;
}

std::vector<std::string> job_environment(const workspace::JobDirs& dirs, const Toolchain& tools,
                                         int memory_mb) {
  const std::string java_home = tools.java_home.string();
  return {
      "PATH=" + java_home + "/bin:/usr/bin:/bin",
      "HOME=" + dirs.home.string(),
      "LANG=C.UTF-8",
      "LC_ALL=C.UTF-8",
      "TZ=UTC",
      "TMPDIR=" + dirs.tmp.string(),
      "JAVA_HOME=" + java_home,
      "GRADLE_USER_HOME=" + (dirs.home / ".gradle").string(),
      // Maven's own JVM only (student code runs in the forked JVM): C1 and the serial collector
      // suit a build of a few seconds, and the archive saves most class loading.
      "MAVEN_OPTS=" + maven_jvm_options(tools),
      // Gradle's client writes worker classpath files to java.io.tmpdir.
      "GRADLE_OPTS=-Djava.io.tmpdir=" + dirs.tmp.string(),
      // Applies to every JVM of the job, forked test JVMs included: bounded heap, a clean exit
      // on OutOfMemoryError (so it is recognised), temp files in the job's own folder, and no
      // hsperfdata files in /tmp.
      "JAVA_TOOL_OPTIONS=-Xmx" + std::to_string(heap_mb(memory_mb)) +
          "m -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.io.tmpdir=" + dirs.tmp.string(),
  };
}

StepResult run_step(const DriverInput& in, const std::string& title,
                    const std::vector<std::string>& argv, const fs::path& cwd,
                    const std::vector<std::string>& testing_markers,
                    const std::optional<exec::JobLimits>& limits) {
  StepResult step;
  in.log.write("[runner] " + title + "\n");
  exec::TextCapture capture;
  std::vector<std::string> markers = testing_markers;
  markers.push_back(kOutOfMemoryMarker);
  exec::MarkerWatch watch(markers, [&](const std::string& marker) {
    if (marker == kOutOfMemoryMarker) {
      step.out_of_memory = true;
    } else {
      step.testing_seen = true;
      if (in.on_stage) in.on_stage(Stage::Testing);
    }
  });
  exec::Tee tee({&in.log, &capture, &watch});
  exec::Command cmd{argv, cwd, job_environment(in.dirs, in.tools, in.pit.memory_mb), in.dirs.root,
                    limits.value_or(job_limits(in.pit))};
  step.run = in.launcher.run(cmd, in.deadline, tee);
  if (step.run.memory_limit_hit) step.out_of_memory = true;
  step.output = capture.text();
  // The JVM's own exit code for -XX:+ExitOnOutOfMemoryError is 3.
  if (step.run.exit_code == 3 && step.output.find(kOutOfMemoryMarker) != std::string::npos) {
    step.out_of_memory = true;
  }
  if (step.run.timed_out) in.log.write("\n[runner] time limit reached: stopped\n");
  return step;
}

void conclude_build_step(const DriverInput& in, const StepResult& step, const std::string& tool,
                         const std::string& compile_marker, DriverResult& result) {
  result.timed_out = step.run.timed_out;
  result.out_of_memory = step.out_of_memory;
  if (result.timed_out || result.out_of_memory || step.run.ok() || step.testing_seen) return;
  if (step.output.find(compile_marker) != std::string::npos) {
    result.compile_failed = true;
    result.compiler_output =
        compiler_errors(step.output, in.dirs.project, pit::hidden_test_sources(in.pit));
  } else {
    result.tool_failure = tool + " failed before the tests ran: " + last_error_line(step.output);
  }
}

std::string last_error_line(const std::string& output) {
  // A missing artifact is named once, deep in the tool's error (Maven's [ERROR] lines, Gradle's
  // "> Could not find g:a:v."); that is the cause to give. Debug lines name optional lookups.
  static const std::regex missing_artifact(
      R"((?:Could not find artifact|Failure to find|and the artifact|Could not find) )"
      R"(([\w.\-]+:[\w.\-]+:[\w.\-]+(?::[\w.\-]+)*?)\.?(?:\s|$))");
  for (const auto& raw : util::split(output, '\n')) {
    const std::string line = util::trim(raw);
    const bool error = line.starts_with("[ERROR]") || line.starts_with(">");
    std::smatch m;
    if (error && std::regex_search(line, m, missing_artifact)) {
      std::string artifact = m[1].str();
      while (artifact.ends_with('.')) artifact.pop_back();
      return std::string(kNeedsMissingArtifact) + artifact +
             ", which is not in the offline repository (/usr/share/maven-repo, Debian's packages)";
    }
  }
  std::string last;
  bool after_what_went_wrong = false;
  for (const auto& raw : util::split(output, '\n')) {
    const std::string line = util::trim(raw);
    if (after_what_went_wrong && !line.empty()) {
      last = line;
      after_what_went_wrong = false;
    }
    if (line.starts_with("[ERROR]") && line.size() > 8) {
      const std::string text = util::trim(line.substr(7));
      // Maven's closing advice ("-> [Help 1]", "Re-run Maven using -X", the wiki links) says
      // nothing about this build.
      const bool advice = text.starts_with("-> [Help") || text.starts_with("[Help") ||
                          text.starts_with("Re-run Maven") || text.starts_with("To see the full") ||
                          text.starts_with("For more information") ||
                          text.starts_with("After correcting") ||
                          text.find("cwiki.apache.org") != std::string::npos;
      if (!advice) last = text;
    }
    if (line.starts_with("* What went wrong")) after_what_went_wrong = true;
  }
  return last.empty() ? "no error message (see log.txt)" : last;
}

namespace {

// "src/test/java/x/HiddenTest.java" when `line` is a diagnostic in that file.
const std::string* hidden_file_of(const std::string& line, const std::vector<std::string>& hidden) {
  for (const auto& file : hidden) {
    const auto at = line.find(file);
    if (at == std::string::npos) continue;
    const auto after = at + file.size();
    if (after < line.size() && line[after] == ':') return &file;
  }
  return nullptr;
}

// "(a hidden test): error: cannot find symbol", from a javac or Maven diagnostic line.
std::string hidden_diagnostic(const std::string& line, bool maven) {
  const auto cut = maven ? line.find("] ", line.find(".java:[")) : line.find(": error:");
  const std::string message =
      cut == std::string::npos ? "" : util::trim(line.substr(cut + (maven ? 2 : 8)));
  return std::string(maven ? "[ERROR] " : "") + "(a hidden test): error: " + message;
}

}  // namespace

std::string compiler_errors(const std::string& output, const fs::path& project,
                            const std::vector<std::string>& hidden_files, std::size_t max_bytes) {
  // javac (and Gradle) print "File.java:12: error: message", then the source line, a caret and
  // the symbol/location lines; Maven prints "[ERROR] /path/File.java:[12,5] message" with
  // "[ERROR]   symbol: ..." lines, and prints the whole list twice (once more in its summary).
  static const std::regex error_count(R"(\d+ errors?)");
  std::vector<std::string> blocks;
  std::string block;
  int context_left = 0;
  bool hidden = false;
  const std::string prefix = project.string() + "/";
  const auto close_block = [&] {
    if (!block.empty() && std::find(blocks.begin(), blocks.end(), block) == blocks.end()) {
      blocks.push_back(block);
    }
    block.clear();
  };
  for (std::string line : util::split(output, '\n')) {
    for (auto pos = line.find(prefix); pos != std::string::npos; pos = line.find(prefix)) {
      line.erase(pos, prefix.size());  // paths relative to the project, as the student knows them
    }
    const bool javac_error =
        line.find(".java:") != std::string::npos && line.find(": error:") != std::string::npos;
    const bool maven_error =
        line.starts_with("[ERROR]") && line.find(".java:[") != std::string::npos;
    if (javac_error || maven_error) {
      close_block();
      // A test students may not see is never quoted: only what the compiler said is kept.
      hidden = hidden_file_of(line, hidden_files) != nullptr;
      if (hidden) line = hidden_diagnostic(line, maven_error);
      block = line + "\n";
      context_left = maven_error ? 0 : 4;
    } else if (!block.empty() && line.starts_with("[ERROR]   ")) {
      // Maven's symbol/location lines.
      if (!hidden || line.find("symbol:") != std::string::npos) block += line + "\n";
    } else if (context_left > 0 && !line.empty() && !line.starts_with("[") &&
               !std::regex_match(line, error_count)) {
      if (!hidden || line.find("symbol:") != std::string::npos) block += line + "\n";
      --context_left;
    } else {
      context_left = 0;
      close_block();
    }
  }
  close_block();
  std::string kept = util::join(blocks, "");
  if (kept.empty()) {
    const bool names_hidden =
        std::any_of(hidden_files.begin(), hidden_files.end(),
                    [&](const auto& f) { return output.find(f) != std::string::npos; });
    kept = names_hidden
               ? "the tests did not compile (the compiler's messages are about a hidden test)"
               : output;
  }
  return util::truncate_utf8(util::trim(kept), max_bytes);
}

std::string stop_reason(const exec::RunResult& run, const DriverResult& result, bool done,
                        const std::string& process) {
  if (result.timed_out) return "the time limit stopped the job";
  if (result.out_of_memory) return "the memory limit stopped the job";
  if (done) return "";
  if (run.signal == SIGXFSZ) return "the job wrote a file larger than the file size limit";
  if (run.signal != 0) return process + " was killed by signal " + sigabbrev_np(run.signal);
  return process + " ended before it (exit code " + std::to_string(run.exit_code) + ")";
}

}  // namespace runner::drivers
