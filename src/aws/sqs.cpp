#include "aws/sqs.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "aws/endpoints.hpp"
#include "aws/fail.hpp"
#include "util/crypto.hpp"

namespace runner::aws {

namespace {

std::string string_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

[[noreturn]] void bad_response(const std::string& operation, const std::string& resource,
                               const std::string& message) {
  throw_aws_error("sqs", operation, resource, "InvalidResponse", message);
}

}  // namespace

int SqsMessage::receive_count() const {
  auto it = attributes.find("ApproximateReceiveCount");
  if (it == attributes.end()) return 0;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string json_error_code(std::string_view raw) {
  // "ThrottlingException:http://internal.amazon.com/coral/..." -> "ThrottlingException"
  raw = raw.substr(0, raw.find(':'));
  // "com.amazonaws.sqs#QueueDoesNotExist" -> "QueueDoesNotExist"
  if (auto hash = raw.rfind('#'); hash != std::string_view::npos) raw.remove_prefix(hash + 1);
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  return std::string(raw);
}

ServiceErrorInfo parse_json_error(const HttpResponse& response) {
  ServiceErrorInfo info;
  std::string raw_code;
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object()) {
    raw_code = string_field(doc, "__type");
    if (raw_code.empty()) raw_code = string_field(doc, "code");
    if (raw_code.empty()) raw_code = string_field(doc, "Code");
    info.message = string_field(doc, "message");
    if (info.message.empty()) info.message = string_field(doc, "Message");
  } else if (!response.body.empty()) {
    info.message = response.body.substr(0, 200);
  }
  // Some front ends put the type in a header instead: "Code:http://internal.amazon.com/...".
  if (raw_code.empty()) raw_code = response.header("x-amzn-errortype").value_or("");
  info.code = json_error_code(raw_code);
  // SQS is "query compatible": x-amzn-query-error carries the code the query protocol used
  // ("AWS.SimpleQueueService.NonExistentQueue;Sender"), and the SDKs report that one.
  if (auto query = response.header("x-amzn-query-error")) {
    std::string legacy = json_error_code(query->substr(0, query->find(';')));
    if (!legacy.empty()) info.code = legacy;
  }
  if (info.code.empty()) info.code = fmt::format("Http{}", response.status);
  return info;
}

SqsClient::SqsClient(ClientConfig config, std::shared_ptr<CredentialsProvider> credentials)
    : service_(std::make_shared<ServiceClient>("sqs", std::move(config), std::move(credentials))) {}

SqsClient::SqsClient(std::shared_ptr<ServiceClient> service) : service_(std::move(service)) {}

nlohmann::json SqsClient::call(const std::string& action, const nlohmann::json& input,
                               const std::string& resource,
                               std::optional<std::chrono::milliseconds> timeout) {
  ServiceRequest r;
  r.operation = action;
  r.resource = resource;
  r.method = "POST";
  r.endpoint = sqs_endpoint(service_->config());
  r.path = r.endpoint.path.empty() ? "/" : r.endpoint.path;
  r.endpoint.path.clear();
  r.headers = {{"content-type", "application/x-amz-json-1.0"},
               {"x-amz-target", "AmazonSQS." + action}};
  r.body = input.dump();
  r.timeout = timeout.value_or(service_->config().request_timeout);
  HttpResponse response = service_->send(r, parse_json_error);
  if (response.body.empty()) return nlohmann::json::object();
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_discarded()) bad_response(action, resource, "response body is not JSON");
  return doc;
}

std::vector<SqsMessage> SqsClient::receive_messages(const std::string& queue_url,
                                                    const ReceiveOptions& options) {
  nlohmann::json input = {{"QueueUrl", queue_url},
                          {"MaxNumberOfMessages", options.max_messages},
                          {"WaitTimeSeconds", options.wait_seconds}};
  if (options.visibility_timeout) input["VisibilityTimeout"] = *options.visibility_timeout;
  if (!options.attribute_names.empty()) {
    input["MessageSystemAttributeNames"] = options.attribute_names;
  }
  // A long poll legitimately takes wait_seconds; the timeout must not cut it short.
  auto timeout = service_->config().request_timeout + std::chrono::seconds(options.wait_seconds);
  nlohmann::json out = call("ReceiveMessage", input, queue_url, timeout);
  std::vector<SqsMessage> messages;
  auto list = out.find("Messages");
  if (list == out.end() || list->is_null()) return messages;
  if (!list->is_array()) bad_response("ReceiveMessage", queue_url, "Messages is not an array");
  for (const auto& m : *list) {
    SqsMessage msg;
    msg.message_id = string_field(m, "MessageId");
    msg.receipt_handle = string_field(m, "ReceiptHandle");
    msg.body = string_field(m, "Body");
    msg.md5_of_body = string_field(m, "MD5OfBody");
    if (auto attrs = m.find("Attributes"); attrs != m.end() && attrs->is_object()) {
      for (const auto& [name, value] : attrs->items()) {
        if (value.is_string()) msg.attributes[name] = value.get<std::string>();
      }
    }
    if (msg.receipt_handle.empty()) {
      bad_response("ReceiveMessage", queue_url, "a message has no ReceiptHandle");
    }
    if (!msg.md5_of_body.empty() && util::md5_hex(msg.body) != msg.md5_of_body) {
      bad_response("ReceiveMessage", queue_url,
                   "MD5OfBody does not match the body of message " + msg.message_id);
    }
    messages.push_back(std::move(msg));
  }
  return messages;
}

void SqsClient::delete_message(const std::string& queue_url, const std::string& receipt_handle) {
  call("DeleteMessage", {{"QueueUrl", queue_url}, {"ReceiptHandle", receipt_handle}}, queue_url);
}

void SqsClient::change_message_visibility(const std::string& queue_url,
                                          const std::string& receipt_handle,
                                          int visibility_timeout_seconds) {
  call("ChangeMessageVisibility",
       {{"QueueUrl", queue_url},
        {"ReceiptHandle", receipt_handle},
        {"VisibilityTimeout", visibility_timeout_seconds}},
       queue_url);
}

std::string SqsClient::send_message(const std::string& queue_url, const std::string& body,
                                    std::optional<int> delay_seconds) {
  nlohmann::json input = {{"QueueUrl", queue_url}, {"MessageBody", body}};
  if (delay_seconds) input["DelaySeconds"] = *delay_seconds;
  nlohmann::json out = call("SendMessage", input, queue_url);
  std::string md5 = string_field(out, "MD5OfMessageBody");
  if (!md5.empty() && md5 != util::md5_hex(body)) {
    bad_response("SendMessage", queue_url, "MD5OfMessageBody does not match the sent body");
  }
  std::string id = string_field(out, "MessageId");
  if (id.empty()) bad_response("SendMessage", queue_url, "no MessageId in the response");
  return id;
}

std::map<std::string, std::string> SqsClient::send_message_batch(
    const std::string& queue_url, const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.size() > 10) throw std::invalid_argument("SendMessageBatch takes at most 10 entries");
  nlohmann::json list = nlohmann::json::array();
  std::map<std::string, const std::string*> bodies;
  for (const auto& [id, body] : entries) {
    list.push_back({{"Id", id}, {"MessageBody", body}});
    bodies[id] = &body;
  }
  nlohmann::json out =
      call("SendMessageBatch", {{"QueueUrl", queue_url}, {"Entries", list}}, queue_url);
  std::map<std::string, std::string> failed;
  if (auto f = out.find("Failed"); f != out.end() && f->is_array()) {
    for (const auto& entry : *f) {
      failed[string_field(entry, "Id")] =
          string_field(entry, "Code") + ": " + string_field(entry, "Message");
    }
  }
  std::size_t taken = 0;
  if (auto ok = out.find("Successful"); ok != out.end() && ok->is_array()) {
    for (const auto& entry : *ok) {
      const auto body = bodies.find(string_field(entry, "Id"));
      if (body == bodies.end()) {
        bad_response("SendMessageBatch", queue_url, "an entry id that was not sent");
      }
      const std::string md5 = string_field(entry, "MD5OfMessageBody");
      if (!md5.empty() && md5 != util::md5_hex(*body->second)) {
        bad_response("SendMessageBatch", queue_url, "MD5OfMessageBody does not match the body");
      }
      ++taken;
    }
  }
  if (taken + failed.size() != entries.size()) {
    bad_response("SendMessageBatch", queue_url, "not every entry is in Successful or Failed");
  }
  return failed;
}

std::map<std::string, std::string> SqsClient::get_queue_attributes(
    const std::string& queue_url, const std::vector<std::string>& names) {
  nlohmann::json out =
      call("GetQueueAttributes", {{"QueueUrl", queue_url}, {"AttributeNames", names}}, queue_url);
  std::map<std::string, std::string> attributes;
  if (auto attrs = out.find("Attributes"); attrs != out.end() && attrs->is_object()) {
    for (const auto& [name, value] : attrs->items()) {
      attributes[name] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return attributes;
}

std::string SqsClient::create_queue(const std::string& name,
                                    const std::map<std::string, std::string>& attributes) {
  nlohmann::json input = {{"QueueName", name}};
  if (!attributes.empty()) input["Attributes"] = attributes;
  nlohmann::json out = call("CreateQueue", input, name);
  std::string url = string_field(out, "QueueUrl");
  if (url.empty()) bad_response("CreateQueue", name, "no QueueUrl in the response");
  return url;
}

}  // namespace runner::aws
