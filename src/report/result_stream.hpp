#pragma once
// Test results streamed by the runner's test host (src/testhost) on its stdout, mixed with what
// the tests print: "##runner-result## <hex HMAC-SHA256 of the JSON> <json>" lines. Only lines
// signed with this job's key count; everything else goes on to the log unchanged.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exec/output.hpp"
#include "report/test_case.hpp"

namespace runner::report {

inline constexpr std::string_view kResultTag = "##runner-result##";

// A fresh random key for one job, in hex (what the test host reads from its key file).
std::string new_result_key_hex();

class ResultStream : public exec::OutputSink {
 public:
  // `key_hex` from new_result_key_hex(); text that is not a result goes to `log`, except lines
  // for which `drop` is true.
  ResultStream(const std::string& key_hex, exec::OutputSink& log,
               std::function<bool(std::string_view line)> drop = {});

  void write(std::string_view bytes) override;
  // Passes on an unfinished last line. Call once the process has ended.
  void finish();

  const std::vector<TestCase>& tests() const { return tests_; }
  // Tests the host said began and that have not reported (class and method; status and message
  // unset): the ones running when the job stopped.
  std::vector<TestCase> running() const;
  // What the host said of compiling: true, false, or nothing (it never got that far).
  std::optional<bool> compiled() const { return compiled_; }
  bool done() const { return done_; }  // the host said every test has reported
  // The host said a test ran out of memory (Python's MemoryError), then exited.
  bool out_of_memory() const { return out_of_memory_; }
  // Why the host refused the submission (a class in a reserved package, ...), if it did.
  const std::optional<std::string>& rejection() const { return rejection_; }
  int rejected() const { return rejected_; }  // tagged lines with a bad signature or shape

 private:
  void line(std::string_view text);  // one complete line, without its '\n'
  void result(std::string_view signed_json);

  std::string key_;
  exec::OutputSink& log_;
  std::function<bool(std::string_view)> drop_;
  std::string pending_;
  std::vector<TestCase> tests_;
  std::vector<TestCase> started_;
  std::optional<bool> compiled_;
  bool done_ = false;
  bool out_of_memory_ = false;
  std::optional<std::string> rejection_;
  int rejected_ = 0;
};

}  // namespace runner::report
