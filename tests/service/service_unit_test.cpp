// The worker's pure parts: message parsing, PIT id safety, retry delays, metrics text.
#include <gtest/gtest.h>

#include "db/submissions.hpp"
#include "service/job_message.hpp"
#include "service/job_processor.hpp"
#include "service/metrics.hpp"

namespace runner::service {
namespace {

TEST(JobMessage, ParsesTheSpecShapeAndIgnoresExtraFields) {
  auto r = parse_job_message(
      R"({"submissionId":"s1","pitId":"calc","zipKey":"submissions/s1.zip","extra":1})");
  ASSERT_TRUE(r.job);
  EXPECT_EQ(r.job->submission_id, "s1");
  EXPECT_EQ(r.job->pit_id, "calc");
  EXPECT_EQ(r.job->zip_key, "submissions/s1.zip");
}

TEST(JobMessage, PoisonBodiesSayWhyAndKeepWhatIdTheyHave) {
  EXPECT_EQ(parse_job_message("nope").error, "message body is not JSON");
  EXPECT_EQ(parse_job_message("[1]").error, "message body is not a JSON object");
  auto r = parse_job_message(R"({"submissionId":"s2","pitId":7})");
  EXPECT_FALSE(r.job);
  EXPECT_EQ(r.submission_id, "s2");
  EXPECT_EQ(r.error, "message lacks string field(s): pitId, zipKey");
}

TEST(JobMessage, PitIdsCannotLeaveThePitsFolder) {
  EXPECT_TRUE(is_safe_pit_id("calculator-2"));
  for (const char* bad : {"", ".", "..", "../x", "a/b", "a\\b", "a\nb"}) {
    EXPECT_FALSE(is_safe_pit_id(bad)) << bad;
  }
}

TEST(Retry, VisibilityGrowsAndIsCapped) {
  EXPECT_EQ(JobProcessor::retry_delay_seconds(1), 2);
  EXPECT_EQ(JobProcessor::retry_delay_seconds(2), 4);
  EXPECT_EQ(JobProcessor::retry_delay_seconds(3), 8);
  EXPECT_EQ(JobProcessor::retry_delay_seconds(50), 900);
}

TEST(Statuses, FinalAreTheVerdictStatuses) {
  EXPECT_FALSE(db::is_final_status("QUEUED"));
  EXPECT_FALSE(db::is_final_status("RUNNING"));
  EXPECT_TRUE(db::is_final_status("COMPLETED"));
  EXPECT_TRUE(db::is_final_status("ERROR"));
}

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.job_finished("COMPLETED", 3.5);
  m.job_finished("BUILD_FAILED", 0.5);
  m.s3_error();
  const std::string text = m.render();
  EXPECT_NE(text.find("runner_jobs_total{status=\"COMPLETED\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("runner_job_duration_seconds_bucket{le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("runner_job_duration_seconds_bucket{le=\"5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("runner_job_duration_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("runner_errors_total{dependency=\"s3\"} 1\n"), std::string::npos);
  EXPECT_TRUE(m.alive(std::chrono::seconds(60), 1));
}

}  // namespace
}  // namespace runner::service
