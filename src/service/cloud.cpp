#include "service/cloud.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "aws/error.hpp"

namespace runner::service {

int queue_visibility_seconds(aws::SqsClient& sqs, const std::string& queue_url) {
  return queue_visibility_seconds(sqs, queue_url, VisibilityRetry{});
}

int queue_visibility_seconds(aws::SqsClient& sqs, const std::string& queue_url,
                             const VisibilityRetry& retry) {
  auto fail = [&](const std::string& why) -> std::runtime_error {
    return std::runtime_error(
        fmt::format("cannot read the queue's VisibilityTimeout from {}: {}", queue_url, why));
  };
  const int tries = std::max(1, retry.tries);
  std::map<std::string, std::string> attrs;
  for (int n = 1;; ++n) {
    try {
      attrs = sqs.get_queue_attributes(queue_url, {"VisibilityTimeout"});
      break;
    } catch (const aws::AwsError& e) {
      if (!e.retryable() || n >= tries) throw fail(e.what());
    }
    const auto delay = retry.base_delay * (1LL << std::min(n - 1, 20));
    if (retry.sleep) {
      retry.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
  auto it = attrs.find("VisibilityTimeout");
  if (it == attrs.end()) throw fail("the response has no VisibilityTimeout attribute");
  try {
    std::size_t used = 0;
    const int seconds = std::stoi(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing characters");
    return std::max(2, seconds);
  } catch (const std::logic_error&) {
    throw fail(fmt::format("VisibilityTimeout is not a number: '{}'", it->second));
  }
}

}  // namespace runner::service
