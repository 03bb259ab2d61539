#pragma once
// A private PostgreSQL cluster for one test suite: initdb + pg_ctl in a temp dir, as the
// `postgres` OS user (PostgreSQL refuses root), on a free 127.0.0.1 port, trust auth.
#include <filesystem>
#include <string>

namespace runner::service::testing {

class PostgresServer {
 public:
  PostgresServer();   // initdb and start; throws std::runtime_error with pg_ctl's log
  ~PostgresServer();  // stop (immediate) and remove the data dir
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  void start();
  void stop();  // immediate: what a crash or a failover looks like to clients
  const std::string& url() const { return url_; }
  int port() const { return port_; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  std::string url_;
  bool running_ = false;
};

// A free TCP port on 127.0.0.1 (bound, read, closed).
int free_port();
// Runs a shell command, returns {exit code, stdout+stderr}.
std::pair<int, std::string> sh(const std::string& command);

}  // namespace runner::service::testing
