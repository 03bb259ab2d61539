// Load: 200 jobs through one runner with RUNNER_CONCURRENCY=2. A mix keeps it to about a
// minute on 2 cores: real Java grading (correct: COMPLETED, broken: BUILD_FAILED) and corrupt
// ZIPs (INVALID_SUBMISSION, no JVM). Every one must end final exactly once.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "support/runner_process.hpp"
#include "support/stack.hpp"

namespace runner::service::testing {
namespace {

using namespace std::chrono_literals;

TEST(ServiceLoad, TwoHundredJobsWithConcurrencyTwoAllFinalNoneLostNoneGradedTwice) {
  auto& s = Stack::shared();
  s.fresh_queue();
  const auto corrupt = s.dir() / "corrupt.zip";
  std::ofstream(corrupt) << "not a zip archive";
  std::vector<std::string> ids;
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "load-" + std::to_string(i);
    if (i % 10 == 0) {
      s.enqueue(id, s.zip("correct"));
      expected[id] = "COMPLETED";
    } else if (i % 10 == 5) {
      s.enqueue(id, s.zip("broken"));
      expected[id] = "BUILD_FAILED";
    } else {
      s.enqueue(id, corrupt);
      expected[id] = "INVALID_SUBMISSION";
    }
    ids.push_back(id);
  }
  const auto t0 = std::chrono::steady_clock::now();
  RunnerProcess runner(
      s.env(std::nullopt, {{"RUNNER_CONCURRENCY", "2"}, {"RUNNER_LOG_FORMAT", "json"}}),
      s.dir() / "load-runner.log");
  const auto pending = s.wait_final(ids, 300s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(pending.empty()) << pending.size() << " not final; first " << pending.front();
  std::printf("200 jobs in %.1f s\n", seconds);
  for (const auto& id : ids) {
    auto r = s.row(id);
    EXPECT_EQ(r->status, expected[id]) << id;
    EXPECT_EQ(r->attempts, 1) << id;
  }
  EXPECT_EQ(s.sql("SELECT count(*) FROM submissions WHERE id LIKE 'load-%' AND status = 'COMPLETED'"
                  " AND score = 10"),
            "20");
  EXPECT_EQ(s.messages_left(), 0);
  runner.signal(SIGTERM);
  EXPECT_EQ(runner.wait(20s), 0);
  // Graded exactly once each: one "graded" log line per submission.
  const std::string log = runner.log();
  int graded = 0;
  for (std::size_t p = 0; (p = log.find("\"stage\":\"grade\"", p)) != std::string::npos; ++p) {
    ++graded;
  }
  EXPECT_EQ(graded, 200);
}

}  // namespace
}  // namespace runner::service::testing
