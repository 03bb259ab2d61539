#include "support/local_servers.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace runner::aws::testing {

std::filesystem::path source_dir() {
  return RUNNER_SOURCE_DIR;
}

std::unique_ptr<ChildProcess> start_fauxqs() {
  auto app = source_dir() / "tools/npm/node_modules/fauxqs/dist/app.js";
  if (!std::filesystem::exists(app)) {
    throw std::runtime_error(app.string() + " is missing: run scripts/install.sh (npm ci)");
  }
  return std::make_unique<ChildProcess>(std::vector<std::string>{
      "node", (source_dir() / "tests/aws/servers/fauxqs_server.mjs").string(), app.string()});
}

std::unique_ptr<ChildProcess> start_verifier(const std::string& cert, const std::string& key) {
  // Debian's interpreter on purpose: that is where python3-botocore is installed.
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   (source_dir() / "tests/aws/servers/sigv4_verifier.py").string()};
  if (!cert.empty()) {
    argv.insert(argv.end(), {"--tls", cert, key});
  }
  return std::make_unique<ChildProcess>(argv);
}

std::unique_ptr<ChildProcess> start_fault_proxy(int upstream_port) {
  return std::make_unique<ChildProcess>(std::vector<std::string>{
      "/usr/bin/python3", (source_dir() / "tests/aws/servers/fault_proxy.py").string(),
      std::to_string(upstream_port)});
}

ClientConfig local_config(int port) {
  ClientConfig c;
  c.region = "us-east-1";
  c.endpoint = "http://127.0.0.1:" + std::to_string(port);
  c.retry.base_delay = std::chrono::milliseconds(10);
  c.http.connect_timeout = std::chrono::milliseconds(2000);
  return c;
}

Credentials test_credentials() {
  Credentials c;
  c.access_key_id = "AKIDTESTEXAMPLE";
  c.secret_access_key = "test/secret+key~EXAMPLE";
  c.source = "test";
  return c;
}

HttpResponse control(int port, const std::string& method, const std::string& path,
                     const std::string& body) {
  HttpClient http;
  HttpRequest r;
  r.method = method;
  r.url = "http://127.0.0.1:" + std::to_string(port) + path;
  r.body = body;
  r.timeout = std::chrono::seconds(10);
  return http.perform(r);
}

std::pair<int, std::string> run(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string aws_cli() {
  if (const char* v = std::getenv("AWS_CLI"); v != nullptr && *v != '\0') return v;
  auto [rc, out] = run("command -v aws 2>/dev/null");
  if (rc == 0 && !out.empty()) return out.substr(0, out.find('\n'));
  if (access("/usr/bin/aws", X_OK) == 0) return "/usr/bin/aws";
  return "";
}

ReceiveOptions receive_options(int seconds, int max_messages, std::optional<int> visibility) {
  ReceiveOptions o;
  o.wait_seconds = seconds;
  o.max_messages = max_messages;
  o.visibility_timeout = visibility;
  return o;
}

}  // namespace runner::aws::testing
