// The test host's result stream: only lines signed with the job's key count as results.
#include "report/result_stream.hpp"

#include <gtest/gtest.h>

#include "util/crypto.hpp"

namespace runner::report {
namespace {

class Collect : public exec::OutputSink {
 public:
  void write(std::string_view bytes) override { text.append(bytes); }
  std::string text;
};

std::string key_bytes(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// A result line as the host writes it.
std::string signed_line(const std::string& key_hex, const std::string& json) {
  return std::string(kResultTag) + " " + util::to_hex(util::hmac_sha256(key_bytes(key_hex), json)) +
         " " + json + "\n";
}

const std::string kPassed =
    R"j({"event":"test","class":"edu.uoc.CalculatorTest","name":"adds()","status":"passed",)j"
    R"j("type":"","message":"","time":0.012})j";
const std::string kFailed =
    R"j({"event":"test","class":"edu.uoc.CalculatorTest","name":"divides()","status":"failed",)j"
    R"j("type":"org.opentest4j.AssertionFailedError","message":"expected: <3> but was: <4>",)j"
    R"j("time":0.001})j";

// "started" events: the test that began and never reported was running when the job stopped.
TEST(ResultStream, ATestThatBeganAndNeverReportedIsRunning) {
  const std::string key = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  stream.write(signed_line(
      key, R"j({"event":"started","class":"edu.uoc.CalculatorTest","name":"adds()"})j"));
  stream.write(signed_line(key, kPassed));
  stream.write(signed_line(
      key, R"j({"event":"started","class":"edu.uoc.CalculatorTest","name":"divides()"})j"));
  // A forged "started" (no valid signature) names nothing.
  stream.write(std::string(kResultTag) + " " + std::string(64, '0') +
               R"j( {"event":"started","class":"edu.uoc.CalculatorTest","name":"powers()"})j" +
               "\n");
  stream.finish();
  ASSERT_EQ(stream.running().size(), 1u);
  EXPECT_EQ(stream.running()[0].class_name, "edu.uoc.CalculatorTest");
  EXPECT_EQ(stream.running()[0].method, "divides");
  EXPECT_EQ(stream.tests().size(), 1u);
  EXPECT_EQ(stream.rejected(), 1);
}

TEST(ResultStream, KeysAreFreshAndLongEnough) {
  const std::string a = new_result_key_hex(), b = new_result_key_hex();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  Collect log;
  EXPECT_THROW(ResultStream("abcd", log), std::invalid_argument);
}

TEST(ResultStream, SignedLinesBecomeResultsAndTheRestGoesToTheLog) {
  const std::string key = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  stream.write("Picked up JAVA_TOOL_OPTIONS: -Xmx384m\n");
  stream.write(signed_line(key, R"j({"event":"compiled","ok":true})j"));
  stream.write("a test printed this\n" + signed_line(key, kPassed) + signed_line(key, kFailed));
  stream.write(signed_line(key, R"j({"event":"done","tests":2})j"));
  stream.finish();

  EXPECT_EQ(log.text, "Picked up JAVA_TOOL_OPTIONS: -Xmx384m\na test printed this\n");
  EXPECT_EQ(stream.compiled(), true);
  EXPECT_TRUE(stream.done());
  EXPECT_EQ(stream.rejected(), 0);
  ASSERT_EQ(stream.tests().size(), 2u);
  EXPECT_EQ(stream.tests()[0].class_name, "edu.uoc.CalculatorTest");
  EXPECT_EQ(stream.tests()[0].method, "adds");
  EXPECT_EQ(stream.tests()[0].status, TestStatus::Passed);
  EXPECT_DOUBLE_EQ(stream.tests()[0].seconds, 0.012);
  EXPECT_EQ(stream.tests()[1].status, TestStatus::Failed);
  EXPECT_EQ(stream.tests()[1].message,
            "org.opentest4j.AssertionFailedError: expected: <3> but was: <4>");
}

TEST(ResultStream, LinesSplitAcrossWritesAreReassembled) {
  const std::string key = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  const std::string all = "before\n" + signed_line(key, kPassed) + "after";
  for (char c : all) stream.write(std::string_view(&c, 1));
  stream.finish();
  EXPECT_EQ(stream.tests().size(), 1u);
  EXPECT_EQ(log.text, "before\nafter\n");
}

TEST(ResultStream, ForgedLinesAreRejectedAndCountNothing) {
  const std::string key = new_result_key_hex();
  const std::string other = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  stream.write(signed_line(other, kPassed));  // another key
  stream.write(std::string(kResultTag) + " " + std::string(64, '0') + " " + kPassed + "\n");
  stream.write(std::string(kResultTag) + " not-a-mac " + kPassed + "\n");  // wrong shape
  std::string tampered = signed_line(key, kFailed);
  tampered.replace(tampered.find("\"failed\""), 8, "\"passed\"");  // edited after signing
  stream.write(tampered);
  stream.finish();
  EXPECT_TRUE(stream.tests().empty());
  EXPECT_EQ(stream.rejected(), 4);
  EXPECT_FALSE(stream.compiled().has_value());
}

TEST(ResultStream, AResultAfterAnUnfinishedLineKeepsThatTextInTheLog) {
  const std::string key = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  stream.write("no newline yet" + signed_line(key, kPassed));
  stream.finish();
  EXPECT_EQ(log.text, "no newline yet\n");
  EXPECT_EQ(stream.tests().size(), 1u);
}

TEST(ResultStream, EndlessOutputWithoutNewlinesIsPassedOnBounded) {
  const std::string key = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  const std::string chunk(8192, 'x');
  for (int i = 0; i < 100; ++i) stream.write(chunk);  // 800 KiB, no newline
  EXPECT_GE(log.text.size(), 800u * 1024 - 64 * 1024 - 4096);
  stream.write("\n" + signed_line(key, kPassed));
  stream.finish();
  EXPECT_EQ(log.text.size(), 100u * 8192 + 1);
  EXPECT_EQ(stream.tests().size(), 1u);
}

TEST(ResultStream, CompileFailureIsReported) {
  const std::string key = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  stream.write(signed_line(key, R"j({"event":"compiled","ok":false})j"));
  EXPECT_EQ(stream.compiled(), false);
}

TEST(ResultStream, SkipReasonsAreCutLikeReports) {
  const std::string key = new_result_key_hex();
  Collect log;
  ResultStream stream(key, log);
  const std::string reason(3000, 'r');
  stream.write(
      signed_line(key, R"j({"event":"test","class":"p.T","name":"s()","status":"skipped",)j"
                       R"j("type":"","message":")j" +
                           reason + R"j(","time":0})j"));
  ASSERT_EQ(stream.tests().size(), 1u);
  EXPECT_EQ(stream.tests()[0].status, TestStatus::Skipped);
  EXPECT_EQ(stream.tests()[0].message, describe_skip(reason));
  EXPECT_EQ(stream.tests()[0].message, std::string(kMaxMessageBytes, 'r') + "\u2026");
}

}  // namespace
}  // namespace runner::report
