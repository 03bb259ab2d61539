#include "service/heartbeat.hpp"

#include "aws/error.hpp"
#include "service/log.hpp"

namespace runner::service {

Heartbeat::Heartbeat(aws::SqsClient& sqs, std::string queue_url, std::string receipt_handle,
                     int visibility_seconds, Metrics& metrics, std::string submission_id)
    : sqs_(sqs),
      queue_url_(std::move(queue_url)),
      receipt_(std::move(receipt_handle)),
      submission_id_(std::move(submission_id)),
      visibility_(visibility_seconds),
      metrics_(metrics),
      thread_([this] { loop(); }) {}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Heartbeat::loop() {
  // A third of the timeout leaves room for two failed renewals before the message reappears.
  const auto period = std::chrono::milliseconds(std::max(1000, visibility_ * 1000 / 3));
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
    lock.unlock();
    try {
      sqs_.change_message_visibility(queue_url_, receipt_, visibility_);
    } catch (const std::exception& e) {
      metrics_.queue_error();
      log_warn(std::string("visibility heartbeat failed: ") + e.what(),
               {submission_id_, "", "heartbeat", std::nullopt});
    }
    lock.lock();
  }
}

}  // namespace runner::service
