// The job lifecycle's decisions (service/job_policy.hpp), over plain values.
#include "service/job_policy.hpp"

#include <gtest/gtest.h>

namespace runner::service::policy {
namespace {

using namespace std::chrono_literals;

db::TakeResult taken(int failed_attempts, std::string last_error = "") {
  db::TakeResult t;
  t.outcome = db::TakeOutcome::Taken;
  t.status = "RUNNING";
  t.token = "tok";
  t.attempt = failed_attempts + 1;
  t.failed_attempts = failed_attempts;
  t.last_error = std::move(last_error);
  return t;
}

Facts facts(int receive_count, int failed_attempts = 0, int max_attempts = 3) {
  return {receive_count, max_attempts, failed_attempts, false};
}

TEST(JobPolicy, RetryDelayDoublesFromFiveSecondsUpToFifteenMinutes) {
  EXPECT_EQ(retry_delay_seconds(0), 5);
  EXPECT_EQ(retry_delay_seconds(1), 5);
  EXPECT_EQ(retry_delay_seconds(4), 40);
  EXPECT_EQ(retry_delay_seconds(8), 640);
  EXPECT_EQ(retry_delay_seconds(9), 900);
  EXPECT_EQ(retry_delay_seconds(1000), 900);
  EXPECT_EQ(lease_seconds(30), 40);
}

TEST(JobPolicy, AFinalRowIsADuplicateDelivery) {
  db::TakeResult t;
  t.outcome = db::TakeOutcome::AlreadyFinal;
  t.status = "COMPLETED";
  const Decision d = after_take(t, facts(2));
  EXPECT_EQ(d.action, Action::Duplicate);
  EXPECT_EQ(d.reason, "already COMPLETED: duplicate delivery, deleting the message");
  EXPECT_FALSE(d.release);
}

TEST(JobPolicy, ALiveLeaseElsewhereStandsBackUntilItWouldEnd) {
  db::TakeResult t;
  t.outcome = db::TakeOutcome::HeldByAnother;
  t.lease_seconds_left = 17;
  Decision d = after_take(t, facts(1));
  EXPECT_EQ(d.action, Action::StandBack);
  EXPECT_EQ(d.delay_seconds, 18);
  EXPECT_FALSE(d.release);  // the lease is not ours to release
  t.lease_seconds_left = 5000;
  EXPECT_EQ(after_take(t, facts(1)).delay_seconds, 900);
}

TEST(JobPolicy, ATakenLeaseGradesUntilTheAttemptsRunOut) {
  EXPECT_EQ(after_take(taken(2), facts(3, 2)).action, Action::Grade);
  const Decision d = after_take(taken(3, "internal error: boom"), facts(4, 3));
  EXPECT_EQ(d.action, Action::GiveUp);
  EXPECT_EQ(d.reason, give_up_text(3, "internal error: boom"));
  EXPECT_NE(d.reason.find("gave up after 3 attempts"), std::string::npos);
  EXPECT_NE(after_take(taken(3), facts(4, 3)).reason.find("last: the runner died mid-job"),
            std::string::npos);
}

TEST(JobPolicy, InfrastructureFaultsGoBackWithDelayWithoutSpendingAnAttempt) {
  const Decision d = after(Outcome::InfraFault, "s3 down", facts(3, 2, 3));
  EXPECT_EQ(d.action, Action::Retry);
  EXPECT_EQ(d.delay_seconds, 20);
  EXPECT_EQ(d.release, db::Release::InfraFault);
  EXPECT_EQ(d.reason, "s3 down");
}

TEST(JobPolicy, AFailedAttemptRetriesUntilTheLastOneGivesUp) {
  Decision d = after(Outcome::FailedAttempt, "zip not found", facts(1, 0, 3));
  EXPECT_EQ(d.action, Action::Retry);
  EXPECT_EQ(d.release, db::Release::FailedAttempt);
  EXPECT_EQ(d.delay_seconds, 5);
  d = after(Outcome::FailedAttempt, "zip not found", facts(3, 2, 3));
  EXPECT_EQ(d.action, Action::GiveUp);
  EXPECT_EQ(d.reason, give_up_text(3, "zip not found"));
  // Already publishing a verdict it did not grade: the failure goes back, it cannot give up twice.
  Facts publishing = facts(3, 2, 3);
  publishing.has_verdict = true;
  d = after(Outcome::FailedAttempt, "upload bug", publishing);
  EXPECT_EQ(d.action, Action::Retry);
  EXPECT_EQ(d.release, db::Release::FailedAttempt);
}

TEST(JobPolicy, LostLeaseAbandonsStoppingHandsBackAVerdictPublishes) {
  Decision d = after(Outcome::LeaseLost, "the lease was lost", facts(1));
  EXPECT_EQ(d.action, Action::Abandon);
  EXPECT_EQ(d.reason, "not publishing: the lease was lost");
  EXPECT_FALSE(d.release);
  d = after(Outcome::Stopping, "shutting down", facts(5));
  EXPECT_EQ(d.action, Action::HandBack);
  EXPECT_EQ(d.delay_seconds, 0);
  EXPECT_EQ(d.release, db::Release::HandBack);
  EXPECT_EQ(after(Outcome::Verdict, "", facts(1)).action, Action::Publish);
}

TEST(JobPolicy, BadMessagesArePoisonAndADownStoreKeepsTheMessage) {
  const Decision p = bad_message("message body is not JSON");
  EXPECT_EQ(p.action, Action::Poison);
  EXPECT_EQ(p.reason, "message body is not JSON");
  const Decision d = store_down(facts(2), "postgres: connection refused");
  EXPECT_EQ(d.action, Action::Retry);
  EXPECT_EQ(d.delay_seconds, 10);
  EXPECT_FALSE(d.release);  // no lease was taken
}

TEST(JobPolicy, AnErrorVerdictIsNeverTheStudentsDoing) {
  grading::Verdict v;
  v.status = grading::Status::BuildFailed;
  EXPECT_EQ(classify(v), Outcome::Verdict);
  v.status = grading::Status::Error;
  EXPECT_EQ(classify(v), Outcome::FailedAttempt);
  v.host_fault = true;
  EXPECT_EQ(classify(v), Outcome::InfraFault);
}

TEST(JobPolicy, OnlyTheObjectsOwnS3ErrorsAreNotOutages) {
  EXPECT_EQ(classify_s3("NoSuchKey"), S3Error::NoSuchKey);
  EXPECT_EQ(classify_s3("ObjectTooLarge"), S3Error::TooLarge);
  EXPECT_EQ(classify_s3("NoSuchBucket"), S3Error::Outage);
  EXPECT_EQ(classify_s3("SlowDown"), S3Error::Outage);
}

TEST(JobPolicy, WaitingForAnOutageStopsLosesTheLeaseOrGivesBackInThatOrder) {
  Waiting w;
  w.waited = 10s;
  EXPECT_EQ(while_down(w), Wait::Keep);
  w.closed = true;
  EXPECT_EQ(while_down(w), Wait::Keep);  // the back-off has not passed
  w.backoff_over = true;
  EXPECT_EQ(while_down(w), Wait::CallAgain);
  w.waited = kMaxOutageWait + 1s;
  EXPECT_EQ(while_down(w), Wait::GiveBack);
  w.lease_lost = true;
  EXPECT_EQ(while_down(w), Wait::LeaseLost);
  w.stopping = true;
  EXPECT_EQ(while_down(w), Wait::Stop);
  EXPECT_EQ(next_backoff(1000ms), 2000ms);
  EXPECT_EQ(next_backoff(20000ms), 30000ms);
}

TEST(JobPolicy, ALostCommitThatLandedIsStillOurVerdict) {
  EXPECT_TRUE(verdict_stored(true, false, std::nullopt, "r/s/1/feedback.json"));
  EXPECT_TRUE(verdict_stored(false, true, "r/s/1/feedback.json", "r/s/1/feedback.json"));
  EXPECT_FALSE(verdict_stored(false, true, "r/s/2/feedback.json", "r/s/1/feedback.json"));
  EXPECT_FALSE(verdict_stored(false, false, "r/s/1/feedback.json", "r/s/1/feedback.json"));
}

}  // namespace
}  // namespace runner::service::policy
