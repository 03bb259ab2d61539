// S3 operations against fauxqs (a local S3 emulator started by the test).
#include "aws/s3.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "aws/error.hpp"
#include "support/local_servers.hpp"
#include "util/crypto.hpp"

namespace runner::aws {
namespace {

using testing::TempDir;

class S3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_fauxqs();
    s3_ = std::make_unique<S3Client>(
        testing::local_config(server_->port()),
        std::make_shared<StaticCredentialsProvider>(testing::test_credentials()));
    s3_->create_bucket("runner-test");
  }
  std::unique_ptr<testing::ChildProcess> server_;
  std::unique_ptr<S3Client> s3_;
  TempDir dir_;
};

long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST_F(S3Test, PutFromMemoryThenGetHeadWithContentType) {
  std::string etag = s3_->put_object("runner-test", "results/1/feedback.json", R"({"score":1})",
                                     "application/json");
  EXPECT_EQ(etag, "\"" + util::md5_hex(R"({"score":1})") + "\"");
  auto info = s3_->head_object("runner-test", "results/1/feedback.json");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 11u);
  EXPECT_EQ(info->content_type, "application/json");
  EXPECT_EQ(info->etag, etag);
  ObjectInfo got = s3_->get_object("runner-test", "results/1/feedback.json", dir_ / "f.json");
  EXPECT_EQ(got.size, 11u);
  EXPECT_EQ(testing::read_file(dir_ / "f.json"), R"({"score":1})");
}

TEST_F(S3Test, KeysWithSpacesPlusTildeUnicodeAndSlashes) {
  for (std::string key : {"a b/c+d~e.txt", "ünï/ცოდე/キー.zip", "dir//double/./dot/../x",
                          "%41 literal percent", "q?x=1&y=#frag"}) {
    s3_->put_object("runner-test", key, "body of " + key, "text/plain; charset=utf-8");
    ASSERT_TRUE(s3_->head_object("runner-test", key)) << key;
    s3_->get_object("runner-test", key, dir_ / "out");
    EXPECT_EQ(testing::read_file(dir_ / "out"), "body of " + key);
  }
}

TEST_F(S3Test, FiftyMegabytesStreamThroughFilesNotMemory) {
  auto source = dir_ / "big.bin";
  {
    std::ofstream out(source, std::ios::binary);
    std::mt19937 rng(42);
    std::string block(1 << 20, '\0');
    for (int i = 0; i < 50; ++i) {
      for (auto& c : block) c = static_cast<char>(rng());
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  long before = max_rss_kb();
  s3_->put_object_file("runner-test", "big.bin", source, "application/zip");
  ObjectInfo info = s3_->get_object("runner-test", "big.bin", dir_ / "copy.bin");
  long growth_mb = (max_rss_kb() - before) / 1024;
  EXPECT_EQ(info.size, 50u << 20);
  EXPECT_EQ(util::sha256_file_hex(dir_ / "copy.bin"), util::sha256_file_hex(source));
  EXPECT_LT(growth_mb, 16) << "peak memory grew by " << growth_mb << " MB for a 50 MB object";
}

TEST_F(S3Test, SizeCapAbortsAndLeavesNoFile) {
  s3_->put_object("runner-test", "big", std::string(100000, 'x'));
  try {
    s3_->get_object("runner-test", "big", dir_ / "capped", 1000);
    FAIL() << "expected ObjectTooLarge";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ObjectTooLarge");
    EXPECT_EQ(e.details().attempts, 1);  // not retried
    EXPECT_NE(std::string(e.what()).find("s3://runner-test/big"), std::string::npos);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
  // Exactly at the cap is fine.
  EXPECT_EQ(s3_->get_object("runner-test", "big", dir_ / "ok", 100000).size, 100000u);
}

TEST_F(S3Test, EmptyObjectMakesAnEmptyFile) {
  s3_->put_object("runner-test", "empty", "");
  EXPECT_EQ(s3_->get_object("runner-test", "empty", dir_ / "e").size, 0u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "e"));
  EXPECT_EQ(std::filesystem::file_size(dir_ / "e"), 0u);
}

TEST_F(S3Test, MissingKeyAndBucketGiveClearErrors) {
  EXPECT_FALSE(s3_->head_object("runner-test", "nope"));
  try {
    s3_->get_object("runner-test", "submissions/nope.zip", dir_ / "x");
    FAIL();
  } catch (const AwsError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.code(), "NoSuchKey");
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_FALSE(e.retryable());
    EXPECT_NE(what.find("s3://runner-test/submissions/nope.zip"), std::string::npos) << what;
    EXPECT_NE(what.find("[request id "), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x"));
  try {
    s3_->put_object("no-such-bucket", "k", "v");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "NoSuchBucket") << e.what();
  }
}

TEST_F(S3Test, MissingUploadFileIsALocalError) {
  try {
    s3_->put_object_file("runner-test", "k", dir_ / "does-not-exist");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "LocalIoError");
  }
}

TEST_F(S3Test, ConnectionsAreReused) {
  HttpClient http;
  HttpRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/health";
  EXPECT_FALSE(http.perform(r).reused_connection);
  EXPECT_TRUE(http.perform(r).reused_connection);
  EXPECT_TRUE(http.perform(r).reused_connection);
}

TEST_F(S3Test, OneClientSharedByThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        s3_->put_object("runner-test", key, key + " body");
        auto file = dir_ / ("dl-" + std::to_string(t));
        s3_->get_object("runner-test", key, file);
        if (testing::read_file(file) == key + " body") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, 40);
}

TEST_F(S3Test, LogsNeverCarrySecrets) {
  std::vector<std::string> lines;
  ClientConfig config = testing::local_config(server_->port());
  config.log = [&](std::string_view l) { lines.emplace_back(l); };
  Credentials creds = testing::test_credentials();
  creds.session_token = "SESSION-TOKEN-SECRET-VALUE";
  S3Client s3(config, std::make_shared<StaticCredentialsProvider>(creds));
  s3.put_object("runner-test", "k", "v");
  s3.get_object("runner-test", "k", dir_ / "k");
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& l : lines) {
    EXPECT_EQ(l.find(creds.session_token), std::string::npos) << l;
    EXPECT_EQ(l.find(creds.secret_access_key), std::string::npos) << l;
    EXPECT_EQ(l.find(creds.access_key_id), std::string::npos) << l;
    EXPECT_EQ(l.find("Signature="), std::string::npos) << l;
    EXPECT_NE(l.find("x-amz-security-token: <redacted>"), std::string::npos) << l;
  }
}

}  // namespace
}  // namespace runner::aws
