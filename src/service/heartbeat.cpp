#include "service/heartbeat.hpp"

#include "aws/error.hpp"

namespace runner::service {

Heartbeat::Heartbeat(aws::SqsClient& sqs, std::string queue_url, std::string receipt_handle,
                     int visibility_seconds, std::function<bool()> renew_lease, Metrics& metrics,
                     LogFields fields)
    : sqs_(sqs),
      queue_url_(std::move(queue_url)),
      receipt_(std::move(receipt_handle)),
      visibility_(visibility_seconds),
      renew_lease_(std::move(renew_lease)),
      metrics_(metrics),
      fields_(std::move(fields)),
      thread_([this] { loop(); }) {
  fields_.stage = "heartbeat";
}

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
    renew_message();
    if (!lease_lost_) renew_lease();
    lock.lock();
  }
}

void Heartbeat::renew_message() {
  try {
    sqs_.change_message_visibility(queue_url_, receipt_, visibility_);
    if (message_failing_) log_info("visibility heartbeat works again", fields_);
    message_failing_ = false;
  } catch (const std::exception& e) {
    // The message may come back to another runner: its delivery meets the lease and waits.
    metrics_.queue_error();
    if (!message_failing_) {
      log_warn(std::string("visibility heartbeat failed: ") + e.what(), fields_);
    }
    message_failing_ = true;
  }
}

void Heartbeat::renew_lease() {
  try {
    if (!renew_lease_()) {
      lease_lost_ = true;
      log_warn("lease lost: another grading took this submission over; this one will not publish",
               fields_);
      return;
    }
    if (lease_failing_) log_info("lease heartbeat works again", fields_);
    lease_failing_ = false;
  } catch (const std::exception& e) {
    metrics_.db_error();
    if (!lease_failing_) log_warn(std::string("lease heartbeat failed: ") + e.what(), fields_);
    lease_failing_ = true;
  }
}

}  // namespace runner::service
