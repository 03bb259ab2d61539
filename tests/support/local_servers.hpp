#pragma once
// The local servers the integration tests talk to, and configs pointing the client at them.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "aws/config.hpp"
#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "aws/sqs.hpp"
#include "support/child_process.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::aws::testing {

std::filesystem::path source_dir();

// fauxqs (S3 + SQS JSON) from tools/npm, on 127.0.0.1.
std::unique_ptr<ChildProcess> start_fauxqs();
// The botocore signature checker; with TLS when cert/key are given.
std::unique_ptr<ChildProcess> start_verifier(const std::string& cert = "",
                                             const std::string& key = "");
// The fault-injecting proxy in front of `upstream_port`.
std::unique_ptr<ChildProcess> start_fault_proxy(int upstream_port);

// Region us-east-1, endpoint http://127.0.0.1:<port>, fast retries (10 ms base delay).
ClientConfig local_config(int port);
Credentials test_credentials();

// A raw request to a test server's control path (no signing).
HttpResponse control(int port, const std::string& method, const std::string& path,
                     const std::string& body = "");

// The aws CLI: $AWS_CLI, else `aws` on PATH, else /usr/bin/aws. Empty when none exists.
std::string aws_cli();
// Runs a shell command, returns {exit code, stdout}.
std::pair<int, std::string> run(const std::string& command);

// The shared test helpers (a self-removing temp folder, whole-file I/O).
using runner::testing::TempDir;
using util::read_file;
using util::write_file;

// ReceiveMessage options for tests: long-poll `seconds`, up to `max_messages`.
ReceiveOptions receive_options(int seconds, int max_messages = 1,
                               std::optional<int> visibility = {});

}  // namespace runner::aws::testing
