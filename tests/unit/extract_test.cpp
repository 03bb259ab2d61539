// Safe extraction (SPEC §4): every rejected case is built here, in the test, with libzip.
#include "archive/extract.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "archive/entry_path.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::archive {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::ZipBuilder;

class ExtractTest : public ::testing::Test {
 protected:
  fs::path zip() const { return tmp / "s.zip"; }
  fs::path out() const { return tmp / "out"; }
  void SetUp() override { fs::create_directory(out()); }

  ExtractStats extract(const ZipBuilder& b, Limits limits = {}) {
    b.write(zip());
    return extract_submission(zip(), out(), limits);
  }
  // The one-line reason the archive is rejected with, or "" when accepted.
  std::string rejection(const ZipBuilder& b, Limits limits = {}) {
    try {
      extract(b, limits);
      return "";
    } catch (const InvalidArchive& e) {
      return e.what();
    }
  }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(out())) {
      if (e.is_regular_file()) names.push_back(util::relative_slash(e.path(), out()));
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  // Nothing was written beside the output folder (the test's temp dir holds only these).
  void expect_nothing_outside() const {
    for (const auto& e : fs::directory_iterator(tmp.path())) {
      EXPECT_TRUE(e.path() == zip() || e.path() == out()) << e.path();
    }
  }

  TempDir tmp;
};

TEST_F(ExtractTest, ExtractsFilesAndFolders) {
  const auto stats = extract(
      ZipBuilder().dir("src/").file("src/main/java/A.java", "class A {}").file("README.md", "hi"));
  EXPECT_EQ(files(), (std::vector<std::string>{"README.md", "src/main/java/A.java"}));
  EXPECT_EQ(util::read_file(out() / "src/main/java/A.java"), "class A {}");
  EXPECT_EQ(stats.files, 2);
  EXPECT_EQ(stats.bytes, 12);
}

TEST_F(ExtractTest, UnwrapsSingleTopFolderAndDropsMacJunk) {
  const auto stats = extract(ZipBuilder()
                                 .dir("MyProject/")
                                 .file("MyProject/src/main/java/A.java", "a")
                                 .file("MyProject/.DS_Store", "x")
                                 .file("__MACOSX/MyProject/._A.java", "x")
                                 .file("MyProject/src/Thumbs.db", "x"));
  EXPECT_EQ(files(), (std::vector<std::string>{"src/main/java/A.java"}));
  EXPECT_EQ(stats.unwrapped, "MyProject");
  EXPECT_EQ(stats.dropped, 3);
}

TEST_F(ExtractTest, UnwrapsNestedSingleFoldersButNeverSrc) {
  extract(ZipBuilder().file("a/b/src/main/java/A.java", "a"));
  EXPECT_EQ(files(), (std::vector<std::string>{"src/main/java/A.java"}));
}

TEST_F(ExtractTest, KeepsTopFolderWhenFilesSitBesideIt) {
  extract(ZipBuilder().file("proj/src/A.java", "a").file("notes.txt", "n"));
  EXPECT_EQ(files(), (std::vector<std::string>{"notes.txt", "proj/src/A.java"}));
}

TEST_F(ExtractTest, DropsClassFilesAndRootBuildOutputs) {
  extract(ZipBuilder()
              .file("P/src/main/java/A.java", "a")
              .file("P/src/main/java/A.class", "x")
              .file("P/target/surefire-reports/TEST-A.xml", "<forged/>")
              .file("P/build/test-results/test/TEST-A.xml", "<forged/>")
              .file("P/out/x.txt", "x")
              .file("P/.gradle/x", "x")
              .file("P/src/main/java/build/Keep.java", "k"));
  EXPECT_EQ(files(),
            (std::vector<std::string>{"src/main/java/A.java", "src/main/java/build/Keep.java"}));
}

TEST_F(ExtractTest, RejectsWhatIsNotAZip) {
  util::write_file(zip(), "this is not a zip file at all");
  EXPECT_THROW(extract_submission(zip(), out(), {}), InvalidArchive);
}

TEST_F(ExtractTest, RejectsTruncatedArchive) {
  ZipBuilder().file("a.txt", std::string(10000, 'x')).write(zip());
  const auto size = fs::file_size(zip());
  fs::resize_file(zip(), size / 2);
  EXPECT_THROW(extract_submission(zip(), out(), {}), InvalidArchive);
}

TEST_F(ExtractTest, RejectsEncryptedEntries) {
  EXPECT_EQ(rejection(ZipBuilder().encrypted("secret.txt", "s")), "encrypted entry 'secret.txt'");
}

TEST_F(ExtractTest, RejectsAbsolutePaths) {
  EXPECT_EQ(rejection(ZipBuilder().file("/etc/evil", "x")), "absolute path '/etc/evil'");
  EXPECT_EQ(rejection(ZipBuilder().file("C:\\evil", "x")), "absolute path 'C:\\evil'");
  expect_nothing_outside();
}

TEST_F(ExtractTest, RejectsDotDotEscapes) {
  EXPECT_EQ(rejection(ZipBuilder().file("src/../../escape.txt", "x")),
            "path escapes the archive 'src/../../escape.txt'");
  EXPECT_EQ(rejection(ZipBuilder().file("a\\..\\..\\escape.txt", "x")),
            "path escapes the archive 'a\\..\\..\\escape.txt'");
  expect_nothing_outside();
}

TEST_F(ExtractTest, RejectsSymlinksAndSpecialFiles) {
  EXPECT_EQ(rejection(ZipBuilder().symlink("src/link", "/etc/passwd")), "symbolic link 'src/link'");
  EXPECT_EQ(rejection(ZipBuilder().fifo("src/pipe")), "special file 'src/pipe'");
  EXPECT_TRUE(files().empty());
}

TEST_F(ExtractTest, RejectsDuplicatePaths) {
  EXPECT_EQ(rejection(ZipBuilder().file("a/b.txt", "1").file("a//b.txt", "2")),
            "duplicate path 'a/b.txt'");
  EXPECT_EQ(rejection(ZipBuilder().file("a/./b.txt", "1").file("a/b.txt", "2")),
            "duplicate path 'a/b.txt'");
  EXPECT_EQ(rejection(ZipBuilder().file("a", "1").file("a/b.txt", "2")),
            "duplicate path 'a' (both a file and a folder)");
}

TEST_F(ExtractTest, RejectsTooManyFilesButNotFolders) {
  ZipBuilder b;
  for (int i = 0; i < 5; ++i) b.dir("d" + std::to_string(i) + "/");
  for (int i = 0; i < 3; ++i) b.file("f" + std::to_string(i), "x");
  EXPECT_EQ(rejection(b, {.max_files = 3}), "");
  b.file("f3", "x");
  EXPECT_EQ(rejection(b, {.max_files = 3}), "more than 3 files");
}

TEST_F(ExtractTest, RejectsArchiveOverZipSizeLimit) {
  ZipBuilder b;
  b.file("a", "some content that compresses to more than twenty bytes, surely");
  b.write(zip());
  const auto size = static_cast<std::int64_t>(fs::file_size(zip()));
  EXPECT_EQ(rejection(b, {.max_zip_bytes = size - 1}), "archive is " + std::to_string(size) +
                                                           " bytes, over the limit of " +
                                                           std::to_string(size - 1));
}

TEST_F(ExtractTest, RejectsZipBombOnBytesActuallyInflated) {
  // 4 MiB of zeros deflates to a few KiB.
  const Limits limits{.max_unzipped_bytes = 1024 * 1024};
  EXPECT_EQ(rejection(ZipBuilder().file("bomb.bin", std::string(4 << 20, '\0')), limits),
            "more than 1048576 bytes uncompressed");
  std::int64_t written = 0;
  for (const auto& e : fs::recursive_directory_iterator(out())) {
    if (e.is_regular_file()) written += static_cast<std::int64_t>(e.file_size());
  }
  EXPECT_LE(written, limits.max_unzipped_bytes);
}

// Patches the uncompressed-size fields of the only entry to `claimed`, as a forger would.
void lie_about_size(const fs::path& zip, std::uint32_t claimed) {
  std::string data = util::read_file(zip);
  auto patch = [&](std::size_t at) {
    for (int i = 0; i < 4; ++i) data[at + i] = static_cast<char>((claimed >> (8 * i)) & 0xff);
  };
  const std::string local("PK\x03\x04", 4), central("PK\x01\x02", 4);
  patch(data.find(local) + 22);
  patch(data.find(central) + 24);
  util::write_file(zip, data);
}

TEST_F(ExtractTest, SizeLimitHoldsWhenTheArchiveLiesAboutSizes) {
  ZipBuilder().file("bomb.bin", std::string(4 << 20, '\0')).write(zip());
  lie_about_size(zip(), 100);
  const Limits limits{.max_unzipped_bytes = 1024 * 1024};
  EXPECT_THROW(extract_submission(zip(), out(), limits), InvalidArchive);
  std::int64_t written = 0;
  for (const auto& e : fs::recursive_directory_iterator(out())) {
    if (e.is_regular_file()) written += static_cast<std::int64_t>(e.file_size());
  }
  EXPECT_LE(written, limits.max_unzipped_bytes);
}

TEST_F(ExtractTest, CorruptedDataIsRejectedNotWritten) {
  ZipBuilder().file("a.txt", std::string(100000, 'a') + std::string(100000, 'b')).write(zip());
  std::string data = util::read_file(zip());
  data[data.find("PK\x03\x04", 0, 4) + 30 + 5 + 40] ^= 0x55;  // flip compressed bytes
  util::write_file(zip(), data);
  EXPECT_THROW(extract_submission(zip(), out(), {}), InvalidArchive);
}

TEST(EntryPath, NormalisesSeparatorsAndDots) {
  auto parsed = parse_entry_path("a\\b/./c//d.txt");
  ASSERT_TRUE(std::holds_alternative<EntryPath>(parsed));
  EXPECT_EQ(std::get<EntryPath>(parsed).joined(), "a/b/c/d.txt");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_entry_path("a/\x01/b")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_entry_path("./")));
}

}  // namespace
}  // namespace runner::archive
