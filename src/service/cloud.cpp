#include "service/cloud.hpp"

#include "aws/config.hpp"
#include "aws/service_client.hpp"
#include "config/environment.hpp"

namespace runner::service {

Cloud make_cloud() {
  const auto env = config::layer_dotenv(config::process_environment(), ".env").values;
  const auto cfg = aws::ClientConfig::from_env(env);
  auto creds = aws::default_credentials(env);
  return {std::make_unique<aws::S3Client>(cfg, creds),
          std::make_unique<aws::SqsClient>(cfg, creds)};
}

int queue_visibility_seconds(aws::SqsClient& sqs, const std::string& queue_url) {
  try {
    const auto attrs = sqs.get_queue_attributes(queue_url, {"VisibilityTimeout"});
    if (auto it = attrs.find("VisibilityTimeout"); it != attrs.end()) {
      return std::max(2, std::stoi(it->second));
    }
  } catch (const std::exception&) {
    // Fall back to SQS's default; the first receive will tell whether the queue works at all.
  }
  return 30;
}

}  // namespace runner::service
