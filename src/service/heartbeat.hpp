#pragma once
// Keeps a job's two claims alive while it runs, every third of the queue's visibility timeout:
//   - the message: ChangeMessageVisibility back to the full timeout, so SQS does not hand it to
//     another runner;
//   - the lease in the submission's row (renew_lease), so a second delivery stands back.
// A renewal that fails for an outage is logged once when it starts failing and once when it
// works again. A lease found taken by another grading is lost for good: lease_lost() turns true
// and the job must not publish. If the runner dies, both claims lapse and the message reappears.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "aws/sqs.hpp"
#include "service/log.hpp"
#include "service/metrics.hpp"

namespace runner::service {

class Heartbeat {
 public:
  // `renew_lease` returns false when the lease is no longer this job's; it throws on an outage.
  Heartbeat(aws::SqsClient& sqs, std::string queue_url, std::string receipt_handle,
            int visibility_seconds, std::function<bool()> renew_lease, Metrics& metrics,
            LogFields fields);
  ~Heartbeat();  // stops the thread
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  bool lease_lost() const { return lease_lost_.load(); }

 private:
  void loop();
  void renew_message();
  void renew_lease();

  aws::SqsClient& sqs_;
  std::string queue_url_, receipt_;
  int visibility_;
  std::function<bool()> renew_lease_;
  Metrics& metrics_;
  LogFields fields_;
  bool message_failing_ = false, lease_failing_ = false;  // only the heartbeat thread uses them
  std::atomic<bool> lease_lost_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace runner::service
