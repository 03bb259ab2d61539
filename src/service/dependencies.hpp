#pragma once
// Does each dependency answer? PostgreSQL (the schema this runner needs), S3 (HeadBucket) and
// SQS (GetQueueAttributes): what `check-config` verifies and `serve` reports at start, so a
// wrong endpoint or an unreachable database shows before the first job instead of with it.
#include <string>
#include <vector>

#include "aws/s3.hpp"
#include "aws/sqs.hpp"
#include "config/settings.hpp"
#include "service/breaker.hpp"

namespace runner::service {

struct DependencyStatus {
  Dependency dependency = Dependency::Postgres;
  std::string name;  // "PostgreSQL", "S3", "SQS"
  bool ok = false;
  std::string detail;  // what answered, or why not, in one line
};

std::vector<DependencyStatus> check_dependencies(const config::Settings& settings,
                                                 aws::S3Client& s3, aws::SqsClient& sqs);

}  // namespace runner::service
