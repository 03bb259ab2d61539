// SQS over the JSON protocol against fauxqs, plus a fake endpoint for what fauxqs cannot do
// (corrupted bodies).
#include "aws/sqs.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "aws/error.hpp"
#include "support/local_servers.hpp"
#include "util/crypto.hpp"

namespace runner::aws {
namespace {

class SqsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_fauxqs();
    sqs_ = std::make_unique<SqsClient>(
        testing::local_config(server_->port()),
        std::make_shared<StaticCredentialsProvider>(testing::test_credentials()));
    queue_ = sqs_->create_queue("runner-jobs");
  }
  std::unique_ptr<testing::ChildProcess> server_;
  std::unique_ptr<SqsClient> sqs_;
  std::string queue_;
};

TEST_F(SqsTest, SendReceiveDelete) {
  std::string body = R"({"submissionId":"s-1","pitId":"p","zipKey":"submissions/ü 1.zip"})";
  std::string id = sqs_->send_message(queue_, body);
  auto messages = sqs_->receive_messages(queue_, testing::receive_options(1, 10));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message_id, id);
  EXPECT_EQ(messages[0].body, body);
  EXPECT_EQ(messages[0].md5_of_body, util::md5_hex(body));
  EXPECT_EQ(messages[0].receive_count(), 1);
  EXPECT_FALSE(messages[0].attributes.at("SentTimestamp").empty());
  sqs_->delete_message(queue_, messages[0].receipt_handle);
  auto attrs = sqs_->get_queue_attributes(queue_);
  EXPECT_EQ(attrs.at("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attrs.at("ApproximateNumberOfMessagesNotVisible"), "0");
}

TEST_F(SqsTest, VisibilityTimeoutAndReceiveCount) {
  sqs_->send_message(queue_, "job");
  auto first = sqs_->receive_messages(queue_, testing::receive_options(0, 1, 30));
  ASSERT_EQ(first.size(), 1u);
  // Invisible now: nothing to receive.
  EXPECT_TRUE(sqs_->receive_messages(queue_, testing::receive_options(0)).empty());
  EXPECT_EQ(sqs_->get_queue_attributes(queue_, {"ApproximateNumberOfMessagesNotVisible"})
                .at("ApproximateNumberOfMessagesNotVisible"),
            "1");
  // Returning it to the queue (visibility 0) makes it receivable again, with a higher count.
  sqs_->change_message_visibility(queue_, first[0].receipt_handle, 0);
  auto second = sqs_->receive_messages(queue_, testing::receive_options(1));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].message_id, first[0].message_id);
  EXPECT_EQ(second[0].receive_count(), 2);
}

TEST_F(SqsTest, LongPollWaitsThenReturnsEmpty) {
  auto start = std::chrono::steady_clock::now();
  auto messages = sqs_->receive_messages(queue_, testing::receive_options(2));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(messages.empty());
  EXPECT_GE(waited, std::chrono::milliseconds(1800));
  EXPECT_LT(waited, std::chrono::seconds(10));
}

TEST_F(SqsTest, LongPollReturnsAsSoonAsAMessageArrives) {
  std::thread sender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    SqsClient other(testing::local_config(server_->port()),
                    std::make_shared<StaticCredentialsProvider>(testing::test_credentials()));
    other.send_message(queue_, "late");
  });
  auto start = std::chrono::steady_clock::now();
  auto messages = sqs_->receive_messages(queue_, testing::receive_options(10));
  auto waited = std::chrono::steady_clock::now() - start;
  sender.join();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].body, "late");
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_F(SqsTest, ErrorsCarryTypeAndMessage) {
  try {
    sqs_->send_message(queue_ + "-missing", "x");
    FAIL();
  } catch (const AwsError& e) {
    // The code of x-amzn-query-error wins over "__type" (com.amazonaws.sqs#QueueDoesNotExist).
    EXPECT_EQ(e.code(), "AWS.SimpleQueueService.NonExistentQueue");
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_EQ(e.details().attempts, 1);
    EXPECT_NE(std::string(e.what()).find("The specified queue does not exist"), std::string::npos)
        << e.what();
  }
  try {
    sqs_->receive_messages(queue_, testing::receive_options(25));
    FAIL();
  } catch (const AwsError& e) {
    // fauxqs namespaces every legacy code (real SQS sends "InvalidParameterValue;Sender").
    EXPECT_EQ(e.code(), "AWS.SimpleQueueService.InvalidParameterValue") << e.what();
  }
}

// What the SDKs check and fauxqs cannot break: a body that does not match its MD5.
TEST(SqsFake, CorruptedBodyIsRejected) {
  httplib::Server fake;
  std::string target;
  fake.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    target = req.get_header_value("X-Amz-Target");
    res.set_content(
        R"({"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":"tampered","MD5OfBody":")" +
            util::md5_hex("original") + R"("}]})",
        "application/x-amz-json-1.0");
  });
  fake.set_keep_alive_timeout(1);
  int port = fake.bind_to_any_port("127.0.0.1");
  std::thread t([&] { fake.listen_after_bind(); });
  for (int i = 0; i < 500 && !fake.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  SqsClient sqs(testing::local_config(port),
                std::make_shared<StaticCredentialsProvider>(testing::test_credentials()));
  try {
    sqs.receive_messages("http://queue", testing::receive_options(0));
    ADD_FAILURE() << "expected an MD5 error";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "InvalidResponse");
    EXPECT_NE(std::string(e.what()).find("MD5OfBody"), std::string::npos);
  }
  EXPECT_EQ(target, "AmazonSQS.ReceiveMessage");
  fake.stop();
  t.join();
}

}  // namespace
}  // namespace runner::aws
