#include "service/job_policy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace runner::service::policy {

int retry_delay_seconds(int receive_count) {
  const int n = std::clamp(receive_count, 1, 10);
  return std::min(900, 5 << (n - 1));
}

Decision bad_message(const std::string& reason) {
  return {Action::Poison, 0, std::nullopt, reason};
}

Decision store_down(const Facts& facts, const std::string& reason) {
  return {Action::Retry, retry_delay_seconds(facts.receive_count), std::nullopt, reason};
}

Decision after_take(const db::TakeResult& take, const Facts& facts) {
  switch (take.outcome) {
    case db::TakeOutcome::AlreadyFinal:
      return {Action::Duplicate, 0, std::nullopt,
              "already " + take.status + ": duplicate delivery, deleting the message"};
    case db::TakeOutcome::HeldByAnother: {
      const int wait = std::clamp(take.lease_seconds_left + 1, 1, 900);
      return {Action::StandBack, wait, std::nullopt,
              fmt::format("another grading holds the lease ({} s left); checking again in {} s",
                          take.lease_seconds_left, wait)};
    }
    case db::TakeOutcome::Taken:
      break;
  }
  if (take.failed_attempts >= facts.max_attempts) {
    return {Action::GiveUp, 0, std::nullopt,
            give_up_text(facts.max_attempts,
                         take.last_error.empty() ? "the runner died mid-job" : take.last_error)};
  }
  return {Action::Grade, 0, std::nullopt, ""};
}

Decision after(Outcome outcome, const std::string& reason, const Facts& facts) {
  const int delay = retry_delay_seconds(facts.receive_count);
  switch (outcome) {
    case Outcome::Verdict:
      return {Action::Publish, 0, std::nullopt, ""};
    case Outcome::LeaseLost:
      return {Action::Abandon, 0, std::nullopt, "not publishing: " + reason};
    case Outcome::Stopping:
      return {Action::HandBack, 0, db::Release::HandBack, ""};
    case Outcome::InfraFault:
      return {Action::Retry, delay, db::Release::InfraFault, reason};
    case Outcome::FailedAttempt:
      break;
  }
  if (!facts.has_verdict && facts.failed_attempts + 1 >= facts.max_attempts) {
    return {Action::GiveUp, 0, std::nullopt, give_up_text(facts.max_attempts, reason)};
  }
  return {Action::Retry, delay, db::Release::FailedAttempt, reason};
}

Outcome classify(const grading::Verdict& verdict) {
  if (verdict.status != grading::Status::Error) return Outcome::Verdict;
  return verdict.host_fault ? Outcome::InfraFault : Outcome::FailedAttempt;
}

S3Error classify_s3(const std::string& code) {
  if (code == "NoSuchKey") return S3Error::NoSuchKey;
  if (code == "ObjectTooLarge") return S3Error::TooLarge;
  return S3Error::Outage;
}

std::string give_up_text(int max_attempts, const std::string& last_reason) {
  return fmt::format(
      "gave up after {} attempts that ended without a verdict (the runner died or failed "
      "internally); last: {}",
      max_attempts, last_reason);
}

Wait while_down(const Waiting& w) {
  if (w.stopping) return Wait::Stop;
  if (w.lease_lost) return Wait::LeaseLost;
  if (w.waited > kMaxOutageWait) return Wait::GiveBack;
  return w.closed && w.backoff_over ? Wait::CallAgain : Wait::Keep;
}

std::chrono::milliseconds next_backoff(std::chrono::milliseconds backoff) {
  return std::min(backoff * 2, std::chrono::milliseconds(30000));
}

bool verdict_stored(bool written, bool faulted, const std::optional<std::string>& row_feedback_key,
                    const std::string& our_feedback_key) {
  return written || (faulted && row_feedback_key == our_feedback_key);
}

}  // namespace runner::service::policy
