#include "service/http_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace runner::service {

HttpServer::HttpServer(std::function<bool()> healthy, std::function<std::string()> metrics)
    : server_(std::make_unique<httplib::Server>()) {
  server_->Get("/healthz", [healthy](const httplib::Request&, httplib::Response& res) {
    const bool ok = healthy();
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ok\n" : "poll loop stalled\n", "text/plain");
  });
  server_->Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::set_readiness(std::function<std::string()> not_ready) {
  server_->Get("/readyz", [not_ready](const httplib::Request&, httplib::Response& res) {
    const std::string why = not_ready();
    res.status = why.empty() ? 200 : 503;
    res.set_content(why.empty() ? "ready\n" : "not ready: " + why + "\n", "text/plain");
  });
}

void HttpServer::start(const std::string& host, int port) {
  // httplib's default also sets SO_REUSEPORT, which lets a second runner on the same port share
  // it silently (each health check then asks either one). SO_REUSEADDR alone still allows a
  // restart while the old socket is in TIME_WAIT.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
  } else {
    port_ = server_->bind_to_port(host, port) ? port : -1;
  }
  if (port_ <= 0) {
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                             " (is another runner or program using that port? RUNNER_HTTP_PORT "
                             "sets another)");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // Until the loop runs, httplib's stop() has nothing to stop and a later join would wait
  // forever (a stop right after start: SIGTERM during start-up, a test).
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void HttpServer::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace runner::service
