#pragma once
// GET /healthz and GET /metrics on RUNNER_HTTP_PORT (cpp-httplib, its own thread).
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace runner::service {

class HttpServer {
 public:
  // `healthy` answers /healthz; `metrics` renders /metrics.
  HttpServer(std::function<bool()> healthy, std::function<std::string()> metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // /readyz: 200 while `not_ready` returns "", else 503 with its reason (a dependency down).
  void set_readiness(std::function<std::string()> not_ready);
  // Binds and serves in the background; throws std::runtime_error when the port is taken.
  // Port 0 asks for an ephemeral port; port() tells which.
  void start(const std::string& host, int port);
  void stop();
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace runner::service
