#pragma once
// Keeps one received message invisible while its job runs: every third of the visibility
// timeout it sets the visibility back to the full timeout (ChangeMessageVisibility). If the
// runner dies, the heartbeat dies with it and the message reappears for another runner.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "aws/sqs.hpp"
#include "service/metrics.hpp"

namespace runner::service {

class Heartbeat {
 public:
  Heartbeat(aws::SqsClient& sqs, std::string queue_url, std::string receipt_handle,
            int visibility_seconds, Metrics& metrics, std::string submission_id);
  ~Heartbeat();  // stops the thread
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  void loop();
  aws::SqsClient& sqs_;
  std::string queue_url_, receipt_, submission_id_;
  int visibility_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace runner::service
