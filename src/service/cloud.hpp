#pragma once
// The AWS clients the service commands share (built by app::Runtime::cloud), and reading the
// queue's visibility timeout.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "aws/s3.hpp"
#include "aws/sqs.hpp"

namespace runner::service {

struct Cloud {
  std::unique_ptr<aws::S3Client> s3;
  std::unique_ptr<aws::SqsClient> sqs;
};

// How queue_visibility_seconds rides out an outage: up to `tries` GetQueueAttributes calls
// (each with the client's own retries), waiting base_delay * 2^(n-1) after failed try n
// (1, 2, 4, 8 s by default).
struct VisibilityRetry {
  int tries = 5;
  std::chrono::milliseconds base_delay{1000};
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
};

// The queue's VisibilityTimeout in seconds (what the heartbeat renews; at least 2).
// Retryable failures (throttling, 5xx, connection failures, timeouts, an unreachable credentials
// endpoint) are tried again as `retry` says; then, or at once for a failure that retrying cannot
// fix (no such queue, access denied, no credentials, a response without a numeric
// VisibilityTimeout), throws std::runtime_error with a one-line message:
//   "cannot read the queue's VisibilityTimeout from <queue url>: <last error>".
int queue_visibility_seconds(aws::SqsClient& sqs, const std::string& queue_url);
int queue_visibility_seconds(aws::SqsClient& sqs, const std::string& queue_url,
                             const VisibilityRetry& retry);

}  // namespace runner::service
