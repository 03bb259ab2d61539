#pragma once
// The fixture the worker's integration suites share: the shared stack, a log file per test and
// runner, and bounded waits on rows and the queue.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support/local_servers.hpp"
#include "support/stack.hpp"

namespace runner::service::testing {

class ServiceTest : public ::testing::Test {
 protected:
  static Stack& stack() { return Stack::shared(); }
  // <stack dir>/<test name>-<name>.log
  std::filesystem::path log_file(const std::string& name) {
    return stack().dir() /
           (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            name + ".log");
  }
  // Polls until `pred(row)` holds (bounded); false on timeout. PostgreSQL may be down meanwhile.
  template <typename Pred>
  bool wait_row(const std::string& id, Pred pred, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        auto r = stack().row(id);
        if (r && pred(*r)) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  bool wait_status(const std::string& id, const std::string& status, std::chrono::seconds t) {
    return wait_row(
        id, [&](const Row& r) { return r.status == status; }, t);
  }
  void wait_queue_empty(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (stack().messages_left() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  // Sets the fault proxy's fault (tests/aws/servers/fault_proxy.py).
  static void fault(int proxy_port, const nlohmann::json& f) {
    ASSERT_EQ(aws::testing::control(proxy_port, "POST", "/__fault", f.dump()).status, 200);
  }
};

}  // namespace runner::service::testing
