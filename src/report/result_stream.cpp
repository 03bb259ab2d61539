#include "report/result_stream.hpp"

#include <openssl/crypto.h>
#include <sys/random.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "util/crypto.hpp"
#include "util/text.hpp"

namespace runner::report {
namespace {

// A result line is at most 4000 bytes (the host keeps each one to a single atomic pipe write);
// a longer unfinished line cannot hold the start of one except in its last bytes.
constexpr std::size_t kMaxResultLine = 4096;
constexpr std::size_t kMaxPending = 64 * 1024;

std::string from_hex(std::string_view hex) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string bytes;
  if (hex.size() % 2 != 0) return bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = value(hex[i]), lo = value(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  return bytes;
}

TestStatus status_from(const std::string& text) {
  if (text == "passed") return TestStatus::Passed;
  if (text == "skipped") return TestStatus::Skipped;
  if (text == "failed") return TestStatus::Failed;
  throw std::runtime_error("unknown status " + text);
}

}  // namespace

std::string new_result_key_hex() {
  std::string key(32, '\0');
  if (getrandom(key.data(), key.size(), 0) != static_cast<ssize_t>(key.size())) {
    throw std::runtime_error("getrandom failed");
  }
  return util::to_hex(key);
}

ResultStream::ResultStream(const std::string& key_hex, exec::OutputSink& log,
                           std::function<bool(std::string_view)> drop)
    : key_(from_hex(key_hex)), log_(log), drop_(std::move(drop)) {
  if (key_.size() < 32) throw std::invalid_argument("result key must be 32+ bytes of hex");
}

void ResultStream::write(std::string_view bytes) {
  pending_.append(bytes);
  std::size_t start = 0;
  for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
    line(std::string_view(pending_).substr(start, nl - start));
    start = nl + 1;
  }
  pending_.erase(0, start);
  // Endless output without a newline: pass it on, keeping only what could begin a result line.
  if (pending_.size() > kMaxPending) {
    const std::size_t keep = kMaxResultLine;
    log_.write(std::string_view(pending_).substr(0, pending_.size() - keep));
    pending_.erase(0, pending_.size() - keep);
  }
}

void ResultStream::finish() {
  if (!pending_.empty()) line(pending_);
  pending_.clear();
}

void ResultStream::line(std::string_view text) {
  const auto tag = text.find(kResultTag);
  if (tag == std::string_view::npos) {
    if (drop_ && drop_(text)) return;
    log_.write(text);
    log_.write("\n");
    return;
  }
  // The tests left a line unfinished just before the result: keep their text as a line.
  if (tag > 0) {
    log_.write(text.substr(0, tag));
    log_.write("\n");
  }
  result(text.substr(tag + kResultTag.size()));
}

std::vector<TestCase> ResultStream::running() const {
  std::vector<TestCase> out;
  for (const auto& s : started_) {
    const bool reported = std::any_of(tests_.begin(), tests_.end(), [&](const TestCase& t) {
      return t.class_name == s.class_name && t.method == s.method;
    });
    if (!reported) out.push_back(s);
  }
  return out;
}

void ResultStream::result(std::string_view signed_json) {
  // " <64 hex> <json>"
  if (signed_json.size() < 66 || signed_json[0] != ' ' || signed_json[65] != ' ') {
    ++rejected_;
    return;
  }
  const std::string mac = from_hex(signed_json.substr(1, 64));
  const std::string_view json_text = signed_json.substr(66);
  const std::string expected = util::hmac_sha256(key_, json_text);
  if (mac.size() != expected.size() ||
      CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0) {
    ++rejected_;
    return;
  }
  try {
    const auto event = nlohmann::json::parse(json_text);
    const std::string kind = event.at("event").get<std::string>();
    if (kind == "compiled") {
      compiled_ = event.at("ok").get<bool>();
    } else if (kind == "done") {
      done_ = true;
    } else if (kind == "out_of_memory") {
      out_of_memory_ = true;
    } else if (kind == "rejected") {
      rejection_ = event.at("reason").get<std::string>();
    } else if (kind == "started") {
      TestCase test;
      test.class_name = event.at("class").get<std::string>();
      test.method = method_from_report_name(event.at("name").get<std::string>());
      started_.push_back(std::move(test));
    } else if (kind == "test") {
      TestCase test;
      test.class_name = event.at("class").get<std::string>();
      test.method = method_from_report_name(event.at("name").get<std::string>());
      test.status = status_from(event.at("status").get<std::string>());
      // The host sends skip reasons already trimmed, as describe_skip() would.
      const std::string message = event.at("message").get<std::string>();
      test.message = test.status == TestStatus::Skipped
                         ? util::truncate_utf8(message, kMaxMessageBytes)
                         : describe_failure(event.at("type").get<std::string>(), message);
      test.seconds = event.at("time").get<double>();
      tests_.push_back(std::move(test));
    } else {
      ++rejected_;
    }
  } catch (const std::exception&) {
    ++rejected_;
  }
}

}  // namespace runner::report
