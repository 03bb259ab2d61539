#pragma once
// The SQS operations Runner needs, over the AWS JSON 1.0 protocol: POST / with
// X-Amz-Target: AmazonSQS.<Action> and a JSON body; errors carry "__type" and "message".
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/service_client.hpp"

namespace runner::aws {

struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  std::string md5_of_body;
  std::map<std::string, std::string> attributes;  // system attributes asked for
  // ApproximateReceiveCount, or 0 when it was not requested or not returned.
  int receive_count() const;
};

struct ReceiveOptions {
  int max_messages = 1;                   // 1..10
  int wait_seconds = 20;                  // long poll, 0..20
  std::optional<int> visibility_timeout;  // seconds; the queue's default when unset
  std::vector<std::string> attribute_names = {"ApproximateReceiveCount", "SentTimestamp"};
};

class SqsClient {
 public:
  SqsClient(ClientConfig config, std::shared_ptr<CredentialsProvider> credentials);
  explicit SqsClient(std::shared_ptr<ServiceClient> service);

  // Messages whose body does not match MD5OfBody are reported as an error, as the SDKs do.
  std::vector<SqsMessage> receive_messages(const std::string& queue_url,
                                           const ReceiveOptions& options = {});
  void delete_message(const std::string& queue_url, const std::string& receipt_handle);
  void change_message_visibility(const std::string& queue_url, const std::string& receipt_handle,
                                 int visibility_timeout_seconds);
  // Returns the new message's id.
  std::string send_message(const std::string& queue_url, const std::string& body,
                           std::optional<int> delay_seconds = std::nullopt);
  // SendMessageBatch: up to 10 (id, body) entries in one call (ids: [A-Za-z0-9_-], unique in
  // the call). Returns the ids SQS did not take, with its reason; every taken body's MD5 is
  // checked. Throws std::invalid_argument for more than 10 entries.
  std::map<std::string, std::string> send_message_batch(
      const std::string& queue_url,
      const std::vector<std::pair<std::string, std::string>>& entries);
  std::map<std::string, std::string> get_queue_attributes(const std::string& queue_url,
                                                          const std::vector<std::string>& names = {
                                                              "All"});
  // For tests and tools. Returns the queue URL.
  std::string create_queue(const std::string& name,
                           const std::map<std::string, std::string>& attributes = {});

  // Any action: sends `input` and returns the parsed response ({} for an empty body).
  nlohmann::json call(const std::string& action, const nlohmann::json& input,
                      const std::string& resource = "",
                      std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  ServiceClient& service() { return *service_; }

 private:
  std::shared_ptr<ServiceClient> service_;
};

// An error type as AWS JSON services send it, reduced to the bare code as the SDKs do: anything
// from the first ':' on and anything up to the last '#' are dropped, so
// "com.amazonaws.sqs#QueueDoesNotExist" and
// "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/" become
// "QueueDoesNotExist" and "ThrottlingException".
std::string json_error_code(std::string_view raw);

// Parses an AWS JSON 1.0 error: the code from "__type" (else "code"/"Code", else the
// x-amzn-errortype header) through json_error_code, the message from "message"/"Message".
// When the x-amzn-query-error header is present ("AWS.SimpleQueueService.NonExistentQueue;Sender")
// its code part wins, as in the SDKs for query-compatible services like SQS. A response without
// any code gets "Http<status>".
ServiceErrorInfo parse_json_error(const HttpResponse& response);

}  // namespace runner::aws
