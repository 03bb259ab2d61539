// aws-probe: drives the runner_aws client from the command line, for the benchmark and for
// cross-checks against the aws CLI. Configuration comes from the environment like the SDKs'.
//
//   aws-probe [-v] s3 get BUCKET KEY FILE [--max-bytes N]
//   aws-probe [-v] s3 put BUCKET KEY FILE [--content-type TYPE]
//   aws-probe [-v] s3 head BUCKET KEY
//   aws-probe [-v] s3 mb BUCKET
//   aws-probe [-v] sqs create-queue NAME
//   aws-probe [-v] sqs send QUEUE_URL BODY
//   aws-probe [-v] sqs receive QUEUE_URL [--wait S] [--max N] [--visibility S]
//   aws-probe [-v] sqs delete QUEUE_URL RECEIPT_HANDLE
//   aws-probe [-v] sqs attributes QUEUE_URL
//
// Prints results as JSON on stdout; on failure prints one line to stderr and exits 1.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aws/error.hpp"
#include "aws/process_env.hpp"
#include "aws/s3.hpp"
#include "aws/sqs.hpp"

namespace {

using runner::aws::AwsError;

[[noreturn]] void usage() {
  std::cerr << "usage: aws-probe [-v] s3 get|put|head|mb ... | sqs "
               "create-queue|send|receive|delete|attributes ...\n";
  std::exit(2);
}

// Pulls "--name value" out of args.
std::optional<std::string> take_option(std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) {
      std::string value = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return value;
    }
  }
  return std::nullopt;
}

nlohmann::json object_json(const runner::aws::ObjectInfo& info) {
  return {{"size", info.size},
          {"etag", info.etag},
          {"content_type", info.content_type},
          {"last_modified", info.last_modified}};
}

int run_s3(runner::aws::S3Client& s3, std::vector<std::string> args) {
  auto content_type = take_option(args, "--content-type");
  auto max_bytes = take_option(args, "--max-bytes");
  if (args.empty()) usage();
  const std::string& cmd = args[0];
  if (cmd == "get" && args.size() == 4) {
    std::optional<std::uint64_t> cap;
    if (max_bytes) cap = std::stoull(*max_bytes);
    std::cout << object_json(s3.get_object(args[1], args[2], args[3], cap)).dump() << "\n";
  } else if (cmd == "put" && args.size() == 4) {
    auto etag = s3.put_object_file(args[1], args[2], args[3],
                                   content_type.value_or("application/octet-stream"));
    std::cout << nlohmann::json{{"etag", etag}}.dump() << "\n";
  } else if (cmd == "head" && args.size() == 3) {
    auto info = s3.head_object(args[1], args[2]);
    std::cout << (info ? object_json(*info) : nlohmann::json(nullptr)).dump() << "\n";
    return info ? 0 : 3;
  } else if (cmd == "mb" && args.size() == 2) {
    s3.create_bucket(args[1]);
  } else {
    usage();
  }
  return 0;
}

int run_sqs(runner::aws::SqsClient& sqs, std::vector<std::string> args) {
  auto wait = take_option(args, "--wait");
  auto max = take_option(args, "--max");
  auto visibility = take_option(args, "--visibility");
  if (args.empty()) usage();
  const std::string& cmd = args[0];
  if (cmd == "create-queue" && args.size() == 2) {
    std::cout << nlohmann::json{{"QueueUrl", sqs.create_queue(args[1])}}.dump() << "\n";
  } else if (cmd == "send" && args.size() == 3) {
    std::cout << nlohmann::json{{"MessageId", sqs.send_message(args[1], args[2])}}.dump() << "\n";
  } else if (cmd == "receive" && args.size() == 2) {
    runner::aws::ReceiveOptions options;
    options.wait_seconds = wait ? std::stoi(*wait) : 0;
    options.max_messages = max ? std::stoi(*max) : 1;
    if (visibility) options.visibility_timeout = std::stoi(*visibility);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : sqs.receive_messages(args[1], options)) {
      out.push_back({{"MessageId", m.message_id},
                     {"ReceiptHandle", m.receipt_handle},
                     {"Body", m.body},
                     {"ReceiveCount", m.receive_count()}});
    }
    std::cout << out.dump() << "\n";
  } else if (cmd == "delete" && args.size() == 3) {
    sqs.delete_message(args[1], args[2]);
  } else if (cmd == "attributes" && args.size() == 2) {
    std::cout << nlohmann::json(sqs.get_queue_attributes(args[1])).dump() << "\n";
  } else {
    usage();
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool verbose = !args.empty() && args[0] == "-v";
  if (verbose) args.erase(args.begin());
  if (args.empty()) usage();
  try {
    auto env = runner::aws::process_env();
    auto config = runner::aws::ClientConfig::from_env(env);
    if (verbose) config.log = [](std::string_view line) { std::cerr << line << "\n"; };
    auto credentials = runner::aws::default_credentials(env);
    std::string service = args[0];
    args.erase(args.begin());
    if (service == "s3") {
      runner::aws::S3Client s3(config, credentials);
      return run_s3(s3, args);
    }
    if (service == "sqs") {
      runner::aws::SqsClient sqs(config, credentials);
      return run_sqs(sqs, args);
    }
    usage();
  } catch (const AwsError& e) {
    std::cerr << "aws-probe: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "aws-probe: " << e.what() << "\n";
    return 1;
  }
}
