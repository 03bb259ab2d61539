#pragma once
// Everything `runner serve` needs, started for real on 127.0.0.1: PostgreSQL (migrated),
// fauxqs (S3 + SQS) with a fresh bucket and queue per test, a PIT folder, a work folder, and
// helpers to enqueue submissions and read the results back.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/s3.hpp"
#include "aws/sqs.hpp"
#include "support/child_process.hpp"
#include "support/local_servers.hpp"
#include "support/postgres.hpp"

namespace runner::service::testing {

struct Row {
  std::string status;
  double score = 0, max_score = 0;
  int tests_passed = 0, tests_total = 0, attempts = 0, failed_attempts = 0, infra_retries = 0;
  std::string log_key, feedback_key, error;
};

class Stack {
 public:
  // One PostgreSQL and one fauxqs for the whole test binary (started on first use).
  static Stack& shared();

  // A fresh bucket and queue (VisibilityTimeout `visibility_s`) for the calling test, with a
  // dead-letter queue after `max_receives` receives (the redrive policy operators set).
  void fresh_queue(int visibility_s = 30, int max_receives = 5);
  // Messages the redrive policy moved to the dead-letter queue.
  int dead_letters();

  // The runner's environment; `endpoint_port` overrides the AWS endpoint (the fault proxy).
  std::map<std::string, std::string> env(std::optional<int> endpoint_port = std::nullopt,
                                         const std::map<std::string, std::string>& extra = {});

  // ZIPs of examples/submissions/<name> (correct, partial, broken), built once.
  std::filesystem::path zip(const std::string& name);
  // A ZIP of examples/submissions/<base> with `files` (relative path -> content) added or
  // replaced; `name` names the ZIP.
  std::filesystem::path zip_with(const std::string& base, const std::string& name,
                                 const std::map<std::string, std::string>& files);
  // Uploads a ZIP to the bucket under submissions/<id>.zip, or anywhere.
  void upload(const std::string& id, const std::filesystem::path& zip);
  void upload_to(const std::string& bucket, const std::string& key,
                 const std::filesystem::path& zip);
  void create_bucket(const std::string& bucket);
  // Uploads the ZIP, inserts the QUEUED row, sends the message (like `runner enqueue`).
  void enqueue(const std::string& id, const std::filesystem::path& zip,
               const std::string& pit = "calculator");
  // Uploads the ZIP and sends the message, with no row (the worker inserts it on arrival).
  void upload_and_send(const std::string& id, const std::filesystem::path& zip,
                       const std::string& pit = "calculator");
  void send_raw(const std::string& body);
  std::optional<Row> row(const std::string& id);
  // Waits until every id has a final row; returns the ids that did not.
  std::vector<std::string> wait_final(const std::vector<std::string>& ids,
                                      std::chrono::seconds timeout);
  // Visible + in flight + delayed messages.
  int messages_left();
  // `aws s3 cp s3://bucket/key -` through the aws CLI; {exit code, content}.
  std::pair<int, std::string> aws_s3_cat(const std::string& key);
  std::string content_type(const std::string& key);
  // SQL for checks (one value as text).
  std::string sql(const std::string& query);
  // SQL that returns nothing (fixtures).
  void exec(const std::string& statement);

  PostgresServer& postgres() { return *postgres_; }
  int fauxqs_port() const { return fauxqs_->port(); }
  const std::string& bucket() const { return bucket_; }
  const std::string& queue_url() const { return queue_url_; }
  const std::filesystem::path& dir() const { return dir_->path(); }

 private:
  Stack();
  std::unique_ptr<aws::testing::TempDir> dir_;
  std::unique_ptr<PostgresServer> postgres_;
  std::unique_ptr<aws::testing::ChildProcess> fauxqs_;
  std::unique_ptr<aws::S3Client> s3_;
  std::unique_ptr<aws::SqsClient> sqs_;
  std::string bucket_, queue_url_, dlq_url_;
  int counter_ = 0;
};

}  // namespace runner::service::testing
