// `runner grade-all` end to end (README, "For course staff"): 50 submissions made from the
// examples graded by the binary with --jobs 2; results.csv and report.html checked against every
// feedback.json; a resumed run; Ctrl-C; and the report in a real (headless) browser.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/shell.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::shell;
using testing::TempDir;

// The binary with only PATH, the sandbox level of the other CLI tests and a private cache.
std::string runner_command(const fs::path& tmp, const std::string& args) {
  return "env -i PATH=/usr/bin:/bin RUNNER_SANDBOX=none RUNNER_CACHE_DIR='" +
         (tmp / "cache").string() + "' " + RUNNER_BINARY + " grade-all " + args;
}

// The example PIT on javac (the fastest driver) with a short time limit for the looping ones.
fs::path make_pit(const fs::path& tmp, int timeout_ms) {
  const fs::path dir = tmp / "calculator";
  fs::copy(testing::source_dir() / "examples/pits/calculator", dir, fs::copy_options::recursive);
  std::string yaml = util::read_file(dir / "pit.yaml");
  yaml = std::regex_replace(yaml, std::regex("build: maven"), "build: javac");
  yaml = std::regex_replace(yaml, std::regex("timeout_ms: [0-9]+"),
                            "timeout_ms: " + std::to_string(timeout_ms));
  util::write_file(dir / "pit.yaml", yaml);
  return dir;
}

fs::path example_zip(const fs::path& dir, const std::string& example, const std::string& id) {
  const fs::path zip = dir / (id + ".zip");
  testing::ZipBuilder().tree(testing::source_dir() / "examples/submissions" / example).write(zip);
  return zip;
}

// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    auto& field = records.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        i++;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      records.emplace_back(1);
      i++;
    } else {
      field += c;
    }
  }
  if (records.back().size() == 1 && records.back()[0].empty()) records.pop_back();
  return records;
}

// What a results.csv cell must say for one test of a feedback.json.
std::string expected_cell(const nlohmann::json& feedback, const nlohmann::json& test) {
  if (feedback["status"] == "ERROR") return "error";
  const std::string output = test["output"];
  if (test["status"] == "failed" && output.rfind("did not run", 0) == 0) return "did-not-run";
  return test["status"];
}

nlohmann::json read_json(const fs::path& path) {
  return nlohmann::json::parse(util::read_file(path));
}

std::string format_number(double value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

// The batch of 50: grading it is what takes the time, so one test grades it once and checks it
// step by step (ctest runs each test in a process of its own).
struct Batch {
  TempDir tmp;
  CommandResult first;
  fs::path out() const { return tmp / "out"; }
};

void make_batch(Batch& b) {
  const fs::path in = b.tmp / "in";
  fs::create_directories(in);
  make_pit(b.tmp.path(), 6000);
  // 50 submissions, mixed statuses: (example, how many).
  const std::vector<std::pair<std::string, int>> mix = {
      {"correct", 16}, {"partial", 16}, {"broken", 10}, {"infinite-loop", 3}};
  int n = 0;
  for (const auto& [example, count] : mix) {
    for (int i = 0; i < count; i++) {
      example_zip(in, example, "s" + std::to_string(n++) + "-" + example);
    }
  }
  util::write_file(in / "s45-garbage.zip", "not a zip");  // INVALID_SUBMISSION
  util::write_file(in / ".DS_Store", "");                 // ignored
  fs::create_directories(in / "__MACOSX");                // ignored
  // LMS style: a student's folder holding their one upload, and loose files.
  fs::create_directories(in / "s46-folder-zip");
  example_zip(in / "s46-folder-zip", "correct", "upload");
  for (const char* id : {"s47-loose", "s48-loose", "s49-loose"}) {
    fs::copy(testing::source_dir() / "examples/submissions/partial", in / id,
             fs::copy_options::recursive);
  }
  b.first =
      shell(b.tmp.path(), runner_command(b.tmp.path(), "in --pit calculator --jobs 2 --out out"));
}

void check_progress_lines(const Batch& b) {
  const CommandResult* first_ = &b.first;
  auto out = [&] { return b.out(); };
  EXPECT_EQ(first_->exit_code, 0) << first_->out << first_->err;
  EXPECT_NE(first_->err.find("grading 50 submissions against calculator, 2 at once"),
            std::string::npos)
      << first_->err;
  // Not a terminal: one line per submission, numbered 1..50.
  const std::regex line(R"(\[(\d+)/50\] (\S+) ([A-Z_]+) [0-9.]+/10 \([0-9.]+ s\))");
  std::set<std::string> ids;
  for (auto it = std::sregex_iterator(first_->err.begin(), first_->err.end(), line);
       it != std::sregex_iterator(); ++it) {
    ids.insert((*it)[2]);
  }
  EXPECT_EQ(ids.size(), 50u) << first_->err;
  EXPECT_EQ(first_->err.find("\r"), std::string::npos) << "a bar on a non-terminal";
  EXPECT_NE(first_->out.find("50 of 50 in total"), std::string::npos) << first_->out;
  for (const char* id : {"s0-correct", "s46-folder-zip", "s47-loose"}) {
    EXPECT_TRUE(fs::exists(out() / id / "log.txt")) << id;
  }
}

void check_csv(const Batch& b) {
  auto out = [&] { return b.out(); };
  const auto csv = parse_csv(util::read_file(out() / "results.csv"));
  ASSERT_EQ(csv.size(), 51u);
  const auto& header = csv[0];
  ASSERT_GE(header.size(), 11u);
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + 5),
            (std::vector<std::string>{"id", "status", "score", "max_score", "time_s"}));
  EXPECT_TRUE(std::is_sorted(header.begin() + 5, header.end()));
  std::map<std::string, int> statuses;
  for (std::size_t r = 1; r < csv.size(); r++) {
    const auto& row = csv[r];
    ASSERT_EQ(row.size(), header.size());
    const auto feedback = read_json(out() / row[0] / "feedback.json");
    SCOPED_TRACE(row[0]);
    EXPECT_EQ(feedback["submission_id"], row[0]);
    EXPECT_EQ(row[1], feedback["status"]);
    EXPECT_EQ(row[2], format_number(feedback["score"]));
    EXPECT_EQ(row[3], format_number(feedback["max_score"]));
    EXPECT_NEAR(std::stod(row[4]), feedback["execution_time"].get<double>(), 0.0051);
    std::map<std::string, std::string> cells;
    for (std::size_t c = 5; c < header.size(); c++) cells[header[c]] = row[c];
    std::size_t seen = 0;
    for (const auto& test : feedback["tests"]) {
      EXPECT_EQ(cells[test["name"]], expected_cell(feedback, test)) << test["name"];
      seen++;
    }
    EXPECT_EQ(seen, header.size() - 5);
    statuses[row[1]]++;
  }
  EXPECT_EQ(
      statuses,
      (std::map<std::string, int>{
          {"BUILD_FAILED", 10}, {"COMPLETED", 36}, {"INVALID_SUBMISSION", 1}, {"TIMEOUT", 3}}));
  // The folder submissions were graded as their files: a partial solution and a correct one.
  EXPECT_EQ(read_json(out() / "s47-loose/feedback.json")["score"], 5.71);
  EXPECT_EQ(read_json(out() / "s46-folder-zip/feedback.json")["score"], 10.0);
}

void check_report_data(const Batch& b) {
  auto out = [&] { return b.out(); };
  const std::string html = util::read_file(out() / "report.html");
  const std::string open = R"(<script type="application/json" id="batch-data">)";
  const auto start = html.find(open);
  ASSERT_NE(start, std::string::npos);
  const auto data = nlohmann::json::parse(
      html.substr(start + open.size(), html.find("</script>", start) - start - open.size()));
  ASSERT_EQ(data["rows"].size(), 50u);
  for (const auto& row : data["rows"]) {
    const auto feedback = read_json(out() / row["id"].get<std::string>() / "feedback.json");
    SCOPED_TRACE(row["id"]);
    EXPECT_EQ(row["status"], feedback["status"]);
    EXPECT_EQ(row["score"], feedback["score"]);
    EXPECT_EQ(row["max_score"], feedback["max_score"]);
    for (const auto& test : feedback["tests"]) {
      EXPECT_EQ(row["tests"][test["name"].get<std::string>()], expected_cell(feedback, test));
    }
    EXPECT_NE(html.find("href=\"" + row["id"].get<std::string>() + "/feedback.json\""),
              std::string::npos);
  }
  EXPECT_NE(html.find("COMPLETED <b>36</b>"), std::string::npos);
  EXPECT_NE(html.find("TIMEOUT <b>3</b>"), std::string::npos);
}

// Opens report.html in Debian's headless chromium: the page's own ?selftest sorts the table by
// clicking its headers and reports what it found; a screenshot is kept for CI.
void check_in_browser(const Batch& b) {
  auto out = [&] { return b.out(); };
  const TempDir* tmp_ = &b.tmp;
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    if (std::getenv("RUNNER_REQUIRE_BROWSER") != nullptr) FAIL() << "chromium is not installed";
    GTEST_SKIP() << "chromium is not installed (scripts/install.sh installs it)";
  }
  const std::string chromium =
      "HOME='" + tmp_->path().string() +
      "' timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--user-data-dir='" +
      (*tmp_ / "chromium").string() + "' ";
  const std::string url = "file://" + (out() / "report.html").string();
  const CommandResult dom = shell(tmp_->path(), chromium + "--dump-dom '" + url + "?selftest'");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::regex result(R"(<pre id="selftest">([^<]*)</pre>)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom.out, m, result)) << dom.out.substr(0, 2000);
  const std::string selftest = m[1];
  EXPECT_EQ(selftest.rfind("PASS rows=50 ", 0), 0u) << selftest;
  // Scores 0 (broken, invalid), ~5.71 (partial), 10 (correct) and the timeouts' partial scores.
  const std::regex bars(R"(bars=(\d+))");
  ASSERT_TRUE(std::regex_search(selftest, m, bars));
  EXPECT_GE(std::stoi(m[1]), 3) << selftest;
  EXPECT_NE(selftest.find("score-desc=true id-asc=true top=s0-correct"), std::string::npos)
      << selftest;

  const char* artifacts_env = std::getenv("RUNNER_ARTIFACTS_DIR");
  const fs::path artifacts = artifacts_env ? fs::path(artifacts_env) : fs::path(RUNNER_ARTIFACTS);
  fs::create_directories(artifacts);
  const fs::path png = artifacts / "report.png";
  fs::remove(png);
  const CommandResult shot =
      shell(tmp_->path(), chromium + "--hide-scrollbars --window-size=1280,2000 --screenshot='" +
                              png.string() + "' '" + url + "'");
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 20000u) << "a blank page";
  EXPECT_EQ(util::read_file(png).substr(1, 3), "PNG");
}

// It regrades part of the batch.
void check_resume(const Batch& b) {
  auto out = [&] { return b.out(); };
  const TempDir* tmp_ = &b.tmp;
  std::map<std::string, fs::file_time_type> before;
  for (const auto& entry : fs::directory_iterator(out())) {
    if (entry.is_directory() && entry.path().filename().string()[0] != '.') {
      before[entry.path().filename()] = fs::last_write_time(entry.path() / "feedback.json");
    }
  }
  ASSERT_EQ(before.size(), 50u);
  const std::set<std::string> removed = {"s1-correct", "s20-partial", "s40-broken", "s45-garbage",
                                         "s48-loose"};
  for (const auto& id : removed) fs::remove_all(out() / id);
  fs::remove(out() / "results.csv");
  const CommandResult r =
      shell(tmp_->path(), runner_command(tmp_->path(), "in --pit calculator --jobs 2 --out out"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming: 45 already graded, 5 to go"), std::string::npos) << r.err;
  const std::regex line(R"(\[\d+/5\] (\S+) )");
  std::set<std::string> graded;
  for (auto it = std::sregex_iterator(r.err.begin(), r.err.end(), line);
       it != std::sregex_iterator(); ++it) {
    graded.insert((*it)[1]);
  }
  EXPECT_EQ(graded, removed) << r.err;
  for (const auto& [id, mtime] : before) {
    ASSERT_TRUE(fs::exists(out() / id / "feedback.json")) << id;
    if (!removed.count(id)) {
      EXPECT_EQ(fs::last_write_time(out() / id / "feedback.json"), mtime) << id;
    }
  }
  // The CSV is made again from all 50.
  EXPECT_EQ(parse_csv(util::read_file(out() / "results.csv")).size(), 51u);
  // Their files were graded before in this folder: the verdict cache gave them back.
  for (const char* id : {"s1-correct", "s20-partial", "s40-broken"}) {
    const auto j = nlohmann::json::parse(util::read_file(out() / id / "feedback.json"));
    EXPECT_EQ(j["cached"], true) << id;
    EXPECT_EQ(j["submission_id"], id);
  }
}

TEST(GradeAllE2E, FiftySubmissionsTwoJobsCsvReportBrowserResume) {
  Batch b;
  make_batch(b);
  {
    SCOPED_TRACE("progress lines");
    check_progress_lines(b);
  }
  {
    SCOPED_TRACE("results.csv");
    check_csv(b);
  }
  {
    SCOPED_TRACE("report.html data");
    check_report_data(b);
  }
  {
    SCOPED_TRACE("resume");
    check_resume(b);
  }
  {
    // Last: it may skip (no chromium, RUNNER_REQUIRE_BROWSER unset).
    SCOPED_TRACE("report.html in chromium");
    check_in_browser(b);
  }
}

TEST(GradeAllCli, UsageErrorsExitTwo) {
  TempDir tmp;
  make_pit(tmp.path(), 6000);
  fs::create_directories(tmp / "a");
  fs::create_directories(tmp / "b");
  util::write_file(tmp / "a/alice.zip", "");
  util::write_file(tmp / "b/alice.zip", "");
  const CommandResult dup = shell(tmp.path(), runner_command(tmp.path(), "a b --pit calculator"));
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.err.find("duplicate submission ids:\n  alice: a/alice.zip b/alice.zip"),
            std::string::npos)
      << dup.err;
  EXPECT_EQ(shell(tmp.path(), runner_command(tmp.path(), "--pit calculator")).exit_code, 2);
  EXPECT_EQ(shell(tmp.path(), runner_command(tmp.path(), "a")).exit_code, 2);
  EXPECT_EQ(shell(tmp.path(), runner_command(tmp.path(), "nope --pit calculator")).exit_code, 2);
  EXPECT_EQ(shell(tmp.path(), runner_command(tmp.path(), "a --pit calculator --jobs 0")).exit_code,
            2);
}

// Ctrl-C: the two running submissions finish, no other starts, the partial results are written,
// exit 130; the rerun takes up where it stopped.
TEST(GradeAllCli, InterruptStopsCleanlyAndTheRerunResumes) {
  TempDir tmp;
  make_pit(tmp.path(), 3000);
  fs::create_directories(tmp / "in");
  for (int i = 0; i < 6; i++) example_zip(tmp / "in", "infinite-loop", "loop" + std::to_string(i));
  const CommandResult r = shell(
      tmp.path(), runner_command(tmp.path(), "in --pit calculator --jobs 2 --out out") +
                      " & pid=$!; until [ \"$(ls out/*/log.txt 2>/dev/null | wc -l)\" -ge 2 ]; do "
                      "sleep 0.1; done; kill -INT $pid; wait $pid");
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("⏹ stopping: no new submissions start"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("interrupted: 4 not started"), std::string::npos) << r.err;
  const auto csv = parse_csv(util::read_file(tmp / "out/results.csv"));
  ASSERT_EQ(csv.size(), 3u) << "the two that ran";
  EXPECT_EQ(csv[1][1], "TIMEOUT");
  EXPECT_EQ(csv[2][1], "TIMEOUT");

  const CommandResult rerun =
      shell(tmp.path(), runner_command(tmp.path(), "in --pit calculator --jobs 2 --out out"));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("resuming: 2 already graded, 4 to go"), std::string::npos) << rerun.err;
  EXPECT_EQ(parse_csv(util::read_file(tmp / "out/results.csv")).size(), 7u);
}

}  // namespace
}  // namespace runner
