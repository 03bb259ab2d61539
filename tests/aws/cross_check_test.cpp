// Cross-checks with independent clients on the same fauxqs server: objects this client writes
// are read back by the aws CLI, objects and messages the CLI writes are read by this client.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/s3.hpp"
#include "aws/sqs.hpp"
#include "support/local_servers.hpp"
#include "util/crypto.hpp"

namespace runner::aws {
namespace {

class CrossCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_ = testing::aws_cli();
    ASSERT_FALSE(cli_.empty()) << "no aws CLI found (install awscli, or set AWS_CLI)";
    server_ = testing::start_fauxqs();
    endpoint_ = "http://127.0.0.1:" + std::to_string(server_->port());
    auto creds = std::make_shared<StaticCredentialsProvider>(testing::test_credentials());
    s3_ = std::make_unique<S3Client>(testing::local_config(server_->port()), creds);
    sqs_ = std::make_unique<SqsClient>(testing::local_config(server_->port()), creds);
    s3_->create_bucket("cross");
  }

  // The aws CLI with the test credentials, an isolated config, and the local endpoint.
  std::pair<int, std::string> aws(const std::string& args) {
    Credentials c = testing::test_credentials();
    std::string cmd = "env -i PATH=\"$PATH\" HOME=" + dir_.path().string() +
                      " AWS_ACCESS_KEY_ID=" + c.access_key_id + " AWS_SECRET_ACCESS_KEY='" +
                      c.secret_access_key +
                      "' AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 '" + cli_ +
                      "' --endpoint-url " + endpoint_ + " " + args + " 2>&1";
    return testing::run(cmd);
  }

  std::string cli_;
  std::unique_ptr<testing::ChildProcess> server_;
  std::string endpoint_;
  std::unique_ptr<S3Client> s3_;
  std::unique_ptr<SqsClient> sqs_;
  testing::TempDir dir_;
};

std::string pattern(std::size_t n) {
  std::string data(n, '\0');
  for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<char>((i * 31 + i / 977) % 256);
  return data;
}

TEST_F(CrossCheck, CliReadsWhatTheClientWrote) {
  const std::string key = "submissions/ünï code/a b+c~d.zip";
  testing::write_file(dir_ / "in.bin", pattern(3 << 20));
  s3_->put_object_file("cross", key, dir_ / "in.bin", "application/zip");
  auto [rc, out] =
      aws("s3 cp --only-show-errors 's3://cross/" + key + "' " + (dir_ / "cli.bin").string());
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(util::sha256_file_hex(dir_ / "cli.bin"), util::sha256_file_hex(dir_ / "in.bin"));
  auto [rc2, head] = aws("s3api head-object --bucket cross --key '" + key + "'");
  ASSERT_EQ(rc2, 0) << head;
  EXPECT_EQ(nlohmann::json::parse(head)["ContentType"], "application/zip");
}

TEST_F(CrossCheck, ClientReadsWhatTheCliWrote) {
  // 9 MB: the CLI uploads this as a multipart object.
  testing::write_file(dir_ / "cli-in.bin", pattern(9 << 20));
  const std::string key = "results/s 1/log ü.txt";
  auto [rc, out] = aws("s3 cp --only-show-errors " + (dir_ / "cli-in.bin").string() +
                       " 's3://cross/" + key + "'");
  ASSERT_EQ(rc, 0) << out;
  ObjectInfo info = s3_->get_object("cross", key, dir_ / "mine.bin");
  EXPECT_EQ(info.size, 9u << 20);
  EXPECT_EQ(util::sha256_file_hex(dir_ / "mine.bin"), util::sha256_file_hex(dir_ / "cli-in.bin"));
}

TEST_F(CrossCheck, ClientReceivesWhatTheCliSent) {
  std::string queue = sqs_->create_queue("cross-q");
  // Older CLIs (e.g. Debian's awscli 2.9) speak the SQS query protocol, which fauxqs does not.
  auto [probe_rc, probe] = aws("sqs list-queues");
  if (probe_rc != 0) GTEST_SKIP() << cli_ << " does not speak SQS JSON: " << probe;
  std::string body = R"({"submissionId":"cli-1","pitId":"p","zipKey":"submissions/ü.zip"})";
  auto [rc, out] = aws("sqs send-message --queue-url " + queue + " --message-body '" + body + "'");
  ASSERT_EQ(rc, 0) << out;
  std::string id = nlohmann::json::parse(out)["MessageId"];
  auto messages = sqs_->receive_messages(queue, testing::receive_options(2));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message_id, id);
  EXPECT_EQ(messages[0].body, body);
  // And the other way: the CLI receives what the client sent.
  sqs_->delete_message(queue, messages[0].receipt_handle);
  std::string mine = sqs_->send_message(queue, "from the client");
  auto [rc2, received] = aws("sqs receive-message --queue-url " + queue + " --wait-time-seconds 2");
  ASSERT_EQ(rc2, 0) << received;
  auto doc = nlohmann::json::parse(received);
  EXPECT_EQ(doc["Messages"][0]["MessageId"], mine);
  EXPECT_EQ(doc["Messages"][0]["Body"], "from the client");
}

}  // namespace
}  // namespace runner::aws
