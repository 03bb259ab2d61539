#pragma once
// What one taken lease carries through the job (job_processor.cpp and job_steps.cpp).
#include <memory>
#include <optional>

#include "service/job_processor.hpp"

namespace runner::service {

struct JobProcessor::Job {
  const aws::SqsMessage& message;
  const JobMessage& msg;
  const db::TakeResult& take;
  int max_attempts;
  LogFields f;
  std::unique_ptr<LeaseWatch> watch;
  std::optional<grading::Verdict> verdict;  // set: publish it without grading

  policy::Facts facts() const {
    return {message.receive_count(), max_attempts, take.failed_attempts, verdict.has_value()};
  }
  bool lease_lost() const { return watch && watch->lease_lost(); }
};

}  // namespace runner::service
