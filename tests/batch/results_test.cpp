// Rows from feedback.json, results.csv and resume selection (batch/results.hpp, results_csv.hpp).
#include "batch/results.hpp"

#include <gtest/gtest.h>

#include "batch/results_csv.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::batch {
namespace {

namespace fs = std::filesystem;
using runner::testing::TempDir;

const char* kFeedback = R"({"submission_id":"alice","status":"TIMEOUT","score":2.5,
  "max_score":10,"execution_time":4.25,"output":"time limit of 2 s exceeded",
  "tests":[{"name":"T.b","status":"passed","score":2.5,"max_score":2.5,"output":""},
           {"name":"T.a","status":"failed","score":0,"max_score":2.5,"output":"expected: <1>"},
           {"name":"T.c","status":"failed","score":0,"max_score":2.5,
            "output":"did not run: the time limit stopped the job"},
           {"name":"T.d","status":"skipped","score":0,"max_score":2.5,"output":"off"}]})";

TEST(BatchResults, ARowKeepsEachTestsOutcome) {
  const auto row = parse_row("alice", kFeedback);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, "TIMEOUT");
  EXPECT_EQ(row->score, 2.5);
  EXPECT_EQ(row->max_score, 10);
  EXPECT_EQ(row->time_s, 4.25);
  ASSERT_EQ(row->tests.size(), 4u);
  EXPECT_EQ(row->tests[0].outcome, "passed");
  EXPECT_EQ(row->tests[1].outcome, "failed");
  EXPECT_EQ(row->tests[2].outcome, "did-not-run");
  EXPECT_EQ(row->tests[3].outcome, "skipped");
}

TEST(BatchResults, AnErrorVerdictsTestsAreErrors) {
  const auto row = parse_row(
      "x", R"({"status":"ERROR","tests":[{"name":"T.a","status":"failed","output":"x"}]})");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->tests[0].outcome, "error");
}

TEST(BatchResults, WhatIsNotAVerdictIsNoRow) {
  EXPECT_FALSE(parse_row("x", ""));
  EXPECT_FALSE(parse_row("x", R"({"status":"COMPLETED","score":"ten")"));  // cut short
  EXPECT_FALSE(parse_row("x", R"({"status":"COMPLETED","score":"ten"})"));
  EXPECT_FALSE(parse_row("x", "[1,2]"));
}

TEST(BatchCsv, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("alice"), "alice");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field(""), "");
  // A spreadsheet would run these as formulas.
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("-1", false), "-1");
}

TEST(BatchCsv, OneColumnPerTestInNameOrder) {
  auto alice = *parse_row("alice", kFeedback);
  auto bob =
      *parse_row("bob, jr", R"({"status":"COMPLETED","score":10,"max_score":10,"execution_time":1,
        "tests":[{"name":"T.a","status":"passed"},{"name":"T.z","status":"passed"}]})");
  EXPECT_EQ(results_csv({alice, bob}),
            "id,status,score,max_score,time_s,T.a,T.b,T.c,T.d,T.z\r\n"
            "alice,TIMEOUT,2.5,10,4.25,failed,passed,did-not-run,skipped,\r\n"
            "\"bob, jr\",COMPLETED,10,10,1.00,passed,,,,passed\r\n");
}

TEST(BatchResume, FinalVerdictsOtherThanErrorAreDone) {
  TempDir tmp;
  const fs::path out = tmp / "out";
  auto write = [&](const std::string& id, const std::string& json) {
    fs::create_directories(out / id);
    util::write_file(out / id / "feedback.json", json);
  };
  write("done-completed", R"({"status":"COMPLETED"})");
  write("done-build-failed", R"({"status":"BUILD_FAILED"})");
  write("error", R"({"status":"ERROR"})");
  write("torn", R"({"status":"COMPL)");
  write("running", R"({"status":"RUNNING"})");
  fs::create_directories(out / "log-only");
  util::write_file(out / "log-only/log.txt", "[runner] ...");
  std::vector<Submission> all;
  for (const char* id :
       {"done-completed", "done-build-failed", "error", "torn", "running", "log-only", "new"}) {
    all.push_back({id, tmp / (std::string(id) + ".zip"), false});
  }
  const ResumePlan plan = plan_resume(all, out);
  std::vector<std::string> done, todo;
  for (const auto& s : plan.done) done.push_back(s.id);
  for (const auto& s : plan.todo) todo.push_back(s.id);
  EXPECT_EQ(done, (std::vector<std::string>{"done-completed", "done-build-failed"}));
  EXPECT_EQ(todo, (std::vector<std::string>{"error", "torn", "running", "log-only", "new"}));
}

TEST(BatchResume, AtomicWriteLeavesTheOldFileOrTheNewOneAndNoTemporary) {
  TempDir tmp;
  util::write_file_atomic(tmp / "f.json", "old");
  util::write_file_atomic(tmp / "f.json", "new");
  EXPECT_EQ(util::read_file(tmp / "f.json"), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
  EXPECT_THROW(util::write_file_atomic(tmp / "no/such/dir/f.json", "x"), std::system_error);
}

}  // namespace
}  // namespace runner::batch
