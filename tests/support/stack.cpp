#include "support/stack.hpp"

#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

#include "aws/credentials.hpp"
#include "db/submissions.hpp"
#include "grading/status.hpp"

namespace runner::service::testing {

namespace fs = std::filesystem;
namespace at = aws::testing;

Stack& Stack::shared() {
  static Stack stack;
  return stack;
}

Stack::Stack() {
  dir_ = std::make_unique<at::TempDir>();
  // The runner's work dir and PITs: a copy of the example PIT switched to javac (seconds,
  // not the tens of seconds Maven needs per job).
  fs::create_directories(dir_->path() / "work");
  fs::create_directories(dir_->path() / "pits");
  const fs::path pit = dir_->path() / "pits/calculator";
  fs::copy(at::source_dir() / "examples/pits/calculator", pit, fs::copy_options::recursive);
  std::string yaml = at::read_file(pit / "pit.yaml");
  yaml.replace(yaml.find("build: maven"), 12, "build: javac");
  at::write_file(pit / "pit.yaml", yaml);

  postgres_ = std::make_unique<PostgresServer>();
  db::Submissions(postgres_->url()).migrate();
  fauxqs_ = at::start_fauxqs();
  auto creds = std::make_shared<aws::StaticCredentialsProvider>(at::test_credentials());
  s3_ = std::make_unique<aws::S3Client>(at::local_config(fauxqs_->port()), creds);
  sqs_ = std::make_unique<aws::SqsClient>(at::local_config(fauxqs_->port()), creds);
}

void Stack::fresh_queue(int visibility_s, int max_receives) {
  ++counter_;
  bucket_ = "runner-test-" + std::to_string(counter_);
  s3_->create_bucket(bucket_);
  dlq_url_ = sqs_->create_queue("runner-dlq-" + std::to_string(counter_), {});
  const std::string dlq_arn = sqs_->get_queue_attributes(dlq_url_, {"QueueArn"}).at("QueueArn");
  const nlohmann::json redrive = {{"deadLetterTargetArn", dlq_arn},
                                  {"maxReceiveCount", std::to_string(max_receives)}};
  queue_url_ = sqs_->create_queue(
      "runner-jobs-" + std::to_string(counter_),
      {{"VisibilityTimeout", std::to_string(visibility_s)}, {"RedrivePolicy", redrive.dump()}});
}

int Stack::dead_letters() {
  auto a = sqs_->get_queue_attributes(
      dlq_url_, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
  int n = 0;
  for (const auto& [k, v] : a) n += std::stoi(v);
  return n;
}

std::map<std::string, std::string> Stack::env(std::optional<int> endpoint_port,
                                              const std::map<std::string, std::string>& extra) {
  const auto c = at::test_credentials();
  std::map<std::string, std::string> e = {
      {"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
      {"HOME", dir_->path().string()},
      {"AWS_REGION", "us-east-1"},
      {"AWS_ACCESS_KEY_ID", c.access_key_id},
      {"AWS_SECRET_ACCESS_KEY", c.secret_access_key},
      {"AWS_ENDPOINT_URL",
       "http://127.0.0.1:" + std::to_string(endpoint_port.value_or(fauxqs_->port()))},
      {"AWS_S3_BUCKET", bucket_},
      {"AWS_SQS_QUEUE_URL", queue_url_},
      {"AWS_MAX_ATTEMPTS", "2"},
      {"DATABASE_URL", postgres_->url()},
      {"RUNNER_PITS_DIR", (dir_->path() / "pits").string()},
      {"RUNNER_WORK_DIR", (dir_->path() / "work").string()},
      {"RUNNER_POLL_INTERVAL_MS", "1000"},
      {"RUNNER_HTTP_PORT", "0"},
      {"RUNNER_HTTP_HOST", "127.0.0.1"},
      {"RUNNER_SANDBOX", "none"},
      {"RUNNER_SHUTDOWN_GRACE_MS", "10000"},
      // Each test grades what it sends; the verdict cache's own test turns it on.
      {"RUNNER_VERDICT_CACHE", "false"},
  };
  if (const char* share = std::getenv("RUNNER_SHARE_DIR")) e["RUNNER_SHARE_DIR"] = share;
  for (const auto& [k, v] : extra) e[k] = v;
  return e;
}

fs::path Stack::zip(const std::string& name) {
  const fs::path z = dir_->path() / (name + ".zip");
  if (!fs::exists(z)) {
    auto [rc, out] = sh("cd '" + (at::source_dir() / "examples/submissions" / name).string() +
                        "' && zip -qr '" + z.string() + "' .");
    if (rc != 0) throw std::runtime_error("zip failed: " + out);
  }
  return z;
}

fs::path Stack::zip_with(const std::string& base, const std::string& name,
                         const std::map<std::string, std::string>& files) {
  const fs::path src = dir_->path() / ("src-" + name);
  const fs::path z = dir_->path() / (name + ".zip");
  fs::remove_all(src);
  fs::remove(z);
  fs::copy(at::source_dir() / "examples/submissions" / base, src, fs::copy_options::recursive);
  for (const auto& [path, content] : files) {
    fs::create_directories((src / path).parent_path());
    at::write_file(src / path, content);
  }
  auto [rc, out] = sh("cd '" + src.string() + "' && zip -qr '" + z.string() + "' .");
  if (rc != 0) throw std::runtime_error("zip failed: " + out);
  return z;
}

void Stack::upload(const std::string& id, const fs::path& zip) {
  s3_->put_object_file(bucket_, "submissions/" + id + ".zip", zip, "application/zip");
}

void Stack::upload_to(const std::string& bucket, const std::string& key, const fs::path& zip) {
  s3_->put_object_file(bucket, key, zip, "application/zip");
}

void Stack::create_bucket(const std::string& bucket) {
  s3_->create_bucket(bucket);
}

void Stack::enqueue(const std::string& id, const fs::path& zip, const std::string& pit) {
  const std::string key = "submissions/" + id + ".zip";
  s3_->put_object_file(bucket_, key, zip, "application/zip");
  db::Submissions(postgres_->url()).insert_queued(id, pit);
  send_raw(nlohmann::json{{"submissionId", id}, {"pitId", pit}, {"zipKey", key}}.dump());
}

void Stack::upload_and_send(const std::string& id, const fs::path& zip, const std::string& pit) {
  const std::string key = "submissions/" + id + ".zip";
  s3_->put_object_file(bucket_, key, zip, "application/zip");
  send_raw(nlohmann::json{{"submissionId", id}, {"pitId", pit}, {"zipKey", key}}.dump());
}

void Stack::send_raw(const std::string& body) {
  sqs_->send_message(queue_url_, body);
}

std::optional<Row> Stack::row(const std::string& id) {
  pqxx::connection c(postgres_->url());
  pqxx::work w(c);
  auto r = w.exec_params(
      "SELECT status, COALESCE(score, 0), COALESCE(max_score, 0), COALESCE(tests_passed, 0), "
      "COALESCE(tests_total, 0), COALESCE(attempts, 0), COALESCE(log_key, ''), "
      "COALESCE(feedback_key, ''), COALESCE(error, ''), COALESCE(failed_attempts, 0), "
      "COALESCE(infra_retries, 0) FROM submissions WHERE id = $1",
      id);
  if (r.empty()) return std::nullopt;
  Row row;
  row.status = r[0][0].as<std::string>();
  row.score = r[0][1].as<double>();
  row.max_score = r[0][2].as<double>();
  row.tests_passed = r[0][3].as<int>();
  row.tests_total = r[0][4].as<int>();
  row.attempts = r[0][5].as<int>();
  row.log_key = r[0][6].as<std::string>();
  row.feedback_key = r[0][7].as<std::string>();
  row.error = r[0][8].as<std::string>();
  row.failed_attempts = r[0][9].as<int>();
  row.infra_retries = r[0][10].as<int>();
  return row;
}

std::string Stack::sql(const std::string& query) {
  pqxx::connection c(postgres_->url());
  pqxx::work w(c);
  return w.exec1(query)[0].as<std::string>();
}

void Stack::exec(const std::string& statement) {
  pqxx::connection c(postgres_->url());
  pqxx::work w(c);
  w.exec(statement);
  w.commit();
}

std::vector<std::string> Stack::wait_final(const std::vector<std::string>& ids,
                                           std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> pending = ids;
  while (!pending.empty() && std::chrono::steady_clock::now() < deadline) {
    std::vector<std::string> still;
    for (const auto& id : pending) {
      try {
        auto r = row(id);
        if (!r || !grading::is_final_status(r->status)) still.push_back(id);
      } catch (const std::exception&) {
        still.push_back(id);  // PostgreSQL restarting
      }
    }
    pending = still;
    if (!pending.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return pending;
}

int Stack::messages_left() {
  auto a = sqs_->get_queue_attributes(
      queue_url_, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                   "ApproximateNumberOfMessagesDelayed"});
  int n = 0;
  for (const auto& [k, v] : a) n += std::stoi(v);
  return n;
}

std::pair<int, std::string> Stack::aws_s3_cat(const std::string& key) {
  const std::string cli = at::aws_cli();
  if (cli.empty()) return {-1, "no aws CLI"};
  const auto c = at::test_credentials();
  return sh("env -i PATH=\"$PATH\" HOME='" + dir_->path().string() +
            "' AWS_ACCESS_KEY_ID=" + c.access_key_id + " AWS_SECRET_ACCESS_KEY='" +
            c.secret_access_key + "' AWS_DEFAULT_REGION=us-east-1 '" + cli +
            "' --endpoint-url http://127.0.0.1:" + std::to_string(fauxqs_->port()) +
            " s3 cp 's3://" + bucket_ + "/" + key + "' - 2>/dev/null");
}

std::string Stack::content_type(const std::string& key) {
  auto info = s3_->head_object(bucket_, key);
  return info ? info->content_type : "";
}

}  // namespace runner::service::testing
