// Output capture (README, "Verdicts"): head + tail kept, the middle counted, memory bounded.
#include "exec/output.hpp"

#include <gtest/gtest.h>

#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::exec {
namespace {

TEST(HeadTail, KeepsEverythingUnderTheCap) {
  HeadTail h(100);
  h.write("hello ");
  h.write("world\n");
  EXPECT_EQ(h.text(), "hello world\n");
  EXPECT_EQ(h.dropped(), 0);
}

TEST(HeadTail, KeepsHeadAndTailWithMarker) {
  HeadTail h(20);  // 10 head + 10 tail
  for (char c = 'a'; c <= 'z'; ++c) h.write(std::string(1, c));
  EXPECT_EQ(h.total(), 26);
  EXPECT_EQ(h.dropped(), 6);
  EXPECT_EQ(h.text(), "abcdefghij\n... [6 bytes truncated] ...\nqrstuvwxyz");
}

TEST(HeadTail, RingWrapsAcrossLargeAndSmallWrites) {
  HeadTail h(8);
  h.write("0123");              // head
  h.write("4567890123456789");  // large: tail = last 4
  h.write("ab");
  EXPECT_EQ(h.text(), "0123\n... [14 bytes truncated] ...\n89ab");
}

TEST(LogFile, StreamsHeadAndAppendsTailOnFinish) {
  runner::testing::TempDir tmp;
  const auto path = tmp / "log.txt";
  {
    LogFile log(path, 1000);
    log.write(std::string(400, 'h'));
    EXPECT_EQ(util::read_file(path).size(), 400u);  // the head is on disk already
    for (int i = 0; i < 10000; ++i) log.write("middle line\n");
    log.write("THE END\n");
    log.finish();
  }
  const std::string text = util::read_file(path);
  EXPECT_LT(text.size(), 1100u);
  EXPECT_EQ(text.substr(0, 400), std::string(400, 'h'));
  EXPECT_NE(text.find("bytes truncated] ..."), std::string::npos);
  EXPECT_TRUE(text.ends_with("THE END\n"));
}

// Maven's and Gradle's colours (and a title escape) never reach log.txt, even split across reads.
TEST(LogFile, DropsTerminalEscapesEvenSplitAcrossWrites) {
  runner::testing::TempDir tmp;
  const auto path = tmp / "log.txt";
  {
    LogFile log(path, 1000);
    log.write("\x1b[1;31m[ERROR]\x1b[m Failed\n\x1b");
    log.write("[0");
    log.write("m> Task :test\x1b]0;gradle\x07 done\x1b]2;t\x1b\\!\x1b(B\n");
    log.finish();
  }
  EXPECT_EQ(util::read_file(path), "[ERROR] Failed\n> Task :test done!\n");
}

TEST(MarkerWatch, SeesMarkersSplitAcrossWrites) {
  std::vector<std::string> seen;
  MarkerWatch w({"T E S T S", "OutOfMemoryError"},
                [&](const std::string& m) { seen.push_back(m); });
  w.write("----\n T E S");
  w.write(" T S\n---- java.lang.OutOfMem");
  w.write("oryError ... OutOfMemoryError again");
  EXPECT_EQ(seen, (std::vector<std::string>{"T E S T S", "OutOfMemoryError"}));
}

}  // namespace
}  // namespace runner::exec
