// The verdict cache's parts (README, "The verdict cache"): the key changes with anything that
// could change the verdict, a folder cache keeps the first verdict for a key, and a stored
// feedback.json reads back into the verdict it came from.
#include "grading/verdict_cache.hpp"

#include <gtest/gtest.h>

#include "support/zip_builder.hpp"
#include "util/crypto.hpp"
#include "util/fs.hpp"

namespace runner::grading {
namespace {

namespace fs = std::filesystem;

TEST(TreeDigest, SameNamesAndBytesAnywhereAreEqualAndAnyChangeDiffers) {
  runner::testing::TempDir tmp;
  for (const auto* root : {"a", "b"}) {
    fs::create_directories(tmp / root / "src/main");
    util::write_file(tmp / root / "src/main/A.java", "class A {}");
    util::write_file(tmp / root / "notes.txt", "hi");
  }
  const std::string a = util::tree_sha256_hex(tmp / "a");
  EXPECT_EQ(a, util::tree_sha256_hex(tmp / "b"));
  util::write_file(tmp / "b/notes.txt", "hi!");
  EXPECT_NE(a, util::tree_sha256_hex(tmp / "b"));
  util::write_file(tmp / "b/notes.txt", "hi");
  fs::rename(tmp / "b/notes.txt", tmp / "b/note.txt");
  EXPECT_NE(a, util::tree_sha256_hex(tmp / "b"));
  fs::rename(tmp / "b/note.txt", tmp / "b/notes.txt");
  fs::create_directories(tmp / "b/empty");
  EXPECT_NE(a, util::tree_sha256_hex(tmp / "b"));
}

TEST(CacheKey, ChangesWithTheSubmissionThePitAndTheSandboxLevel) {
  pit::Pit pit;
  pit.id = "calc";
  pit.files_digest = "files-1";  // load_pit's digest of the PIT's files (PitTest.FilesDigest...)
  const std::string key = cache_key("tree-1", pit, "full");
  EXPECT_EQ(key, cache_key("tree-1", pit, "full"));
  EXPECT_EQ(key.size(), 64u);
  EXPECT_NE(key, cache_key("tree-2", pit, "full"));
  EXPECT_NE(key, cache_key("tree-1", pit, "basic"));
  pit::Pit longer = pit;
  longer.timeout_ms += 1000;  // from the runner's settings, not the PIT's files
  EXPECT_NE(key, cache_key("tree-1", longer, "full"));
  pit::Pit edited = pit;
  edited.files_digest = "files-2";
  EXPECT_NE(key, cache_key("tree-1", edited, "full"));
}

TEST(FolderVerdictCache, KeepsTheFirstVerdictForAKey) {
  runner::testing::TempDir tmp;
  FolderVerdictCache cache(tmp / "cache");
  EXPECT_EQ(cache.find("k"), std::nullopt);
  cache.store("k", "calc", "{\"first\":1}");
  cache.store("k", "calc", "{\"second\":2}");
  EXPECT_EQ(cache.find("k"), "{\"first\":1}");
  EXPECT_EQ(cache.find("other"), std::nullopt);
}

TEST(VerdictJson, ReadsBackWhatToJsonWrote) {
  Verdict v;
  v.submission_id = "s-1";
  v.pit_id = "calc";
  v.status = Status::Completed;
  v.score.score = 7.5;
  v.score.max_score = 10;
  v.score.passed = 1;
  v.score.failed = 1;
  v.score.tests = {{"CalcTest.adds", "edu.CalcTest", report::TestStatus::Passed, 7.5, 7.5, "", 0.01,
                    pit::Visibility::Visible},
                   {"CalcTest.divides", "edu.CalcTest", report::TestStatus::Failed, 0, 2.5,
                    "expected: <2> but was: <3>", 0.02, pit::Visibility::Hidden}};
  v.execution_time = 1.25;
  v.output = "1 of 2 tests passed";
  v.sandbox_level = "full";
  v.sandbox_features = {"user-ns", "seccomp"};
  Verdict back;
  back.submission_id = "s-1";  // read_json keeps the id and times of the verdict it fills
  read_json(to_json(v), back);
  EXPECT_EQ(to_json(back).dump(2), to_json(v).dump(2));

  EXPECT_TRUE(cacheable(v));
  v.status = Status::Timeout;
  EXPECT_FALSE(cacheable(v));
  v.status = Status::Error;
  EXPECT_FALSE(cacheable(v));

  nlohmann::ordered_json broken = to_json(v);
  broken["tests"][0].erase("status");
  EXPECT_THROW(read_json(broken, back), std::runtime_error);
}

}  // namespace
}  // namespace runner::grading
