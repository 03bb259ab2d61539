#include "service/dependencies.hpp"

#include <algorithm>

#include "aws/error.hpp"
#include "config/settings.hpp"
#include "db/submissions.hpp"
#include "util/text.hpp"

namespace runner::service {

namespace {

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return util::trim(text);
}

DependencyStatus postgres(const config::Settings& s) {
  const std::string where = config::mask_database_url(s.database_url);
  try {
    db::Submissions db(s.database_url);
    const auto problems = db.schema_problems();
    if (!problems.empty()) {
      return {Dependency::Postgres, "PostgreSQL", false, where + ": " + util::join(problems, "; ")};
    }
    return {Dependency::Postgres, "PostgreSQL", true, where + ": answers, schema up to date"};
  } catch (const std::exception& e) {
    return {Dependency::Postgres, "PostgreSQL", false, where + ": " + one_line(e.what())};
  }
}

DependencyStatus bucket(const config::Settings& s, aws::S3Client& s3) {
  const std::string where = "s3://" + s.s3_bucket;
  try {
    s3.head_bucket(s.s3_bucket);
    return {Dependency::S3, "S3", true, where + ": answers"};
  } catch (const aws::AwsError& e) {
    // HeadBucket needs s3:ListBucket, which the task role does not have on purpose (README,
    // deploy guide): a 403 still proves the endpoint and the bucket's region answer.
    if (e.http_status() == 403) {
      return {Dependency::S3, "S3", true,
              where + ": answers (HeadBucket denied: no s3:ListBucket, as intended)"};
    }
    if (e.http_status() == 404) return {Dependency::S3, "S3", false, where + ": no such bucket"};
    return {Dependency::S3, "S3", false, where + ": " + one_line(e.what())};
  } catch (const std::exception& e) {
    return {Dependency::S3, "S3", false, where + ": " + one_line(e.what())};
  }
}

DependencyStatus queue(const config::Settings& s, aws::SqsClient& sqs) {
  try {
    const auto attributes = sqs.get_queue_attributes(s.sqs_queue_url, {"VisibilityTimeout"});
    const auto it = attributes.find("VisibilityTimeout");
    return {Dependency::Sqs, "SQS", true,
            s.sqs_queue_url + ": answers" +
                (it == attributes.end() ? "" : ", visibility timeout " + it->second + " s")};
  } catch (const std::exception& e) {
    return {Dependency::Sqs, "SQS", false, s.sqs_queue_url + ": " + one_line(e.what())};
  }
}

}  // namespace

std::vector<DependencyStatus> check_dependencies(const config::Settings& settings,
                                                 aws::S3Client& s3, aws::SqsClient& sqs) {
  return {postgres(settings), bucket(settings, s3), queue(settings, sqs)};
}

}  // namespace runner::service
