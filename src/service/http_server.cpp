#include "service/http_server.hpp"

#include <httplib.h>

#include <stdexcept>

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

void HttpServer::start(const std::string& host, int port) {
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
  } else {
    port_ = server_->bind_to_port(host, port) ? port : -1;
  }
  if (port_ <= 0) {
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

void HttpServer::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace runner::service
