// What `runner grade-all` takes for submissions (batch/inputs.hpp).
#include "batch/inputs.hpp"

#include <gtest/gtest.h>

#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::batch {
namespace {

namespace fs = std::filesystem;
using runner::testing::TempDir;

void touch(const fs::path& path, const std::string& content = "x") {
  fs::create_directories(path.parent_path());
  util::write_file(path, content);
}

std::vector<std::string> ids(const std::vector<Submission>& subs) {
  std::vector<std::string> out;
  for (const auto& s : subs) out.push_back(s.id);
  return out;
}

TEST(BatchInputs, ZipFilesAreSubmissionsNamedByTheirStem) {
  TempDir tmp;
  touch(tmp / "bob.zip");
  touch(tmp / "alice.ZIP");
  const auto subs = collect_submissions({tmp / "bob.zip", tmp / "alice.ZIP"});
  EXPECT_EQ(ids(subs), (std::vector<std::string>{"alice", "bob"}));  // sorted by id
  EXPECT_EQ(subs[0].path, tmp / "alice.ZIP");
  EXPECT_FALSE(subs[0].is_folder);
}

TEST(BatchInputs, IdsSortNaturally) {
  EXPECT_TRUE(natural_less("s2", "s10"));
  EXPECT_FALSE(natural_less("s10", "s2"));
  EXPECT_TRUE(natural_less("s2-b", "s02-c"));
  EXPECT_TRUE(natural_less("alice", "bob"));
  EXPECT_TRUE(natural_less("a", "a1"));
  EXPECT_FALSE(natural_less("a1", "a1"));
  TempDir tmp;
  for (const char* name : {"s10.zip", "s2.zip", "s1.zip"}) touch(tmp / "in" / name);
  EXPECT_EQ(ids(collect_submissions({tmp / "in"})), (std::vector<std::string>{"s1", "s2", "s10"}));
}

TEST(BatchInputs, AFolderOfZipsIgnoresHiddenMacosAndOtherFiles) {
  TempDir tmp;
  touch(tmp / "in/alice.zip");
  touch(tmp / "in/bob.zip");
  touch(tmp / "in/.hidden.zip");
  touch(tmp / "in/.DS_Store");
  touch(tmp / "in/__MACOSX/._alice.zip");
  touch(tmp / "in/grades.txt");
  const auto subs = collect_submissions({tmp / "in"});
  EXPECT_EQ(ids(subs), (std::vector<std::string>{"alice", "bob"}));
}

TEST(BatchInputs, AFolderOfStudentFolders) {
  TempDir tmp;
  // One ZIP in the folder (hidden files aside): that ZIP.
  touch(tmp / "in/alice/upload-123.zip");
  touch(tmp / "in/alice/.DS_Store");
  // Loose files: the folder is the submission.
  touch(tmp / "in/bob/src/main/java/A.java");
  // Two ZIPs: neither is "the" upload, so the folder is the submission.
  touch(tmp / "in/carol/a.zip");
  touch(tmp / "in/carol/b.zip");
  const auto subs = collect_submissions({tmp / "in"});
  ASSERT_EQ(ids(subs), (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(subs[0].path, tmp / "in/alice/upload-123.zip");
  EXPECT_FALSE(subs[0].is_folder);
  EXPECT_EQ(subs[1].path, tmp / "in/bob");
  EXPECT_TRUE(subs[1].is_folder);
  EXPECT_TRUE(subs[2].is_folder);
}

TEST(BatchInputs, DuplicateIdsAreOneErrorListingEach) {
  TempDir tmp;
  touch(tmp / "a/alice.zip");
  touch(tmp / "b/alice.zip");
  touch(tmp / "b/bob/Main.java");
  touch(tmp / "c/bob.zip");
  try {
    collect_submissions({tmp / "a", tmp / "b", tmp / "c"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("duplicate submission ids:"), std::string::npos) << what;
    EXPECT_NE(what.find("alice: " + (tmp / "a/alice.zip").string() + " " +
                        (tmp / "b/alice.zip").string()),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("bob: "), std::string::npos) << what;
  }
}

TEST(BatchInputs, UsageErrors) {
  TempDir tmp;
  touch(tmp / "notes.txt");
  fs::create_directories(tmp / "empty");
  EXPECT_THROW(collect_submissions({tmp / "missing"}), InputError);
  EXPECT_THROW(collect_submissions({tmp / "notes.txt"}), InputError);
  EXPECT_THROW(collect_submissions({tmp / "empty"}), InputError);
  touch(tmp / "clash/results.csv.zip");
  EXPECT_THROW(collect_submissions({tmp / "clash"}), InputError);
}

}  // namespace
}  // namespace runner::batch
