#include "support/postgres.hpp"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <stdexcept>

#include "support/local_servers.hpp"

namespace runner::service::testing {

namespace fs = std::filesystem;

namespace {
std::string pg_bin() {
  for (const char* v : {"17", "16", "15", "14", "13"}) {
    fs::path p = fs::path("/usr/lib/postgresql") / v / "bin";
    if (fs::exists(p / "pg_ctl")) return p.string();
  }
  throw std::runtime_error("PostgreSQL server binaries not found (apt-get install postgresql)");
}

std::string as_postgres(const std::string& command) {
  return "runuser -u postgres -- sh -c '" + command + "' 2>&1";
}
}  // namespace

std::pair<int, std::string> sh(const std::string& command) {
  return aws::testing::run(command);
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

PostgresServer::PostgresServer() {
  std::string templ = (fs::temp_directory_path() / "runner-pg-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  sh("chown postgres: '" + dir_.string() + "'");
  auto [rc, out] = sh(as_postgres(pg_bin() + "/initdb -D " + (dir_ / "data").string() +
                                  " -A trust -U postgres --no-sync -E UTF8 >/dev/null"));
  if (rc != 0) throw std::runtime_error("initdb failed: " + out);
  port_ = free_port();
  url_ = "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
  start();
}

PostgresServer::~PostgresServer() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void PostgresServer::start() {
  const std::string opts = "-p " + std::to_string(port_) + " -k " + dir_.string() +
                           " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50";
  auto [rc, out] =
      sh(as_postgres(pg_bin() + "/pg_ctl -D " + (dir_ / "data").string() + " -l " +
                     (dir_ / "log").string() + " -w -t 30 -o \"" + opts + "\" start >/dev/null"));
  if (rc != 0) {
    throw std::runtime_error("pg_ctl start failed: " + out +
                             sh("cat " + (dir_ / "log").string()).second);
  }
  running_ = true;
}

void PostgresServer::stop() {
  if (!running_) return;
  sh(as_postgres(pg_bin() + "/pg_ctl -D " + (dir_ / "data").string() +
                 " -m immediate -w stop >/dev/null"));
  running_ = false;
}

}  // namespace runner::service::testing
