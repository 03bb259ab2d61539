#pragma once
// The AWS clients and settings the service commands share, built from the same variables as
// the settings (process environment over ./.env).
#include <memory>

#include "aws/s3.hpp"
#include "aws/sqs.hpp"
#include "config/settings.hpp"

namespace runner::service {

struct Cloud {
  std::unique_ptr<aws::S3Client> s3;
  std::unique_ptr<aws::SqsClient> sqs;
};

// Throws std::invalid_argument for malformed AWS variables.
Cloud make_cloud();

// The queue's VisibilityTimeout in seconds (what the heartbeat renews); 30 when unreadable.
int queue_visibility_seconds(aws::SqsClient& sqs, const std::string& queue_url);

}  // namespace runner::service
