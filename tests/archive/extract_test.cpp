// Safe extraction (README, "Submissions"): every rejected case is built here, with libzip.
#include "archive/extract.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
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
  // The message escapes the backslash, so that it reads back as the name.
  EXPECT_EQ(rejection(ZipBuilder().file("C:\\evil", "x")), "absolute path 'C:\\\\evil'");
  EXPECT_EQ(rejection(ZipBuilder().file("\\evil", "x").made_by(ZIP_OPSYS_DOS, 0x20)),
            "absolute path '\\\\evil'");
  expect_nothing_outside();
}

TEST_F(ExtractTest, RejectsDotDotEscapes) {
  EXPECT_EQ(rejection(ZipBuilder().file("src/../../escape.txt", "x")),
            "path escapes the archive 'src/../../escape.txt'");
  EXPECT_EQ(rejection(ZipBuilder().file("a\\..\\..\\escape.txt", "x").made_by(ZIP_OPSYS_DOS, 0x20)),
            "path escapes the archive 'a\\\\..\\\\..\\\\escape.txt'");
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
  auto parsed = parse_entry_path("a\\b/./c//d.txt", {.backslash_separates = true});
  ASSERT_TRUE(std::holds_alternative<EntryPath>(parsed));
  EXPECT_EQ(std::get<EntryPath>(parsed).joined(), "a/b/c/d.txt");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_entry_path("a\\b/./c//d.txt")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_entry_path("a/\x01/b")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_entry_path("./")));
}

TEST(EntryPath, PrintableNameIsOneLineThatReadsBackAsTheName) {
  EXPECT_EQ(printable_name("src/A.java"), "'src/A.java'");
  EXPECT_EQ(printable_name("a\nb\tc\x7f\\d"), "'a\\x0ab\\x09c\\x7f\\\\d'");
  EXPECT_EQ(printable_name("d\xc3\xad"
                           "a \xe6\x97\xa5"),
            "'d\xc3\xad"
            "a \xe6\x97\xa5'");  // UTF-8 kept
  EXPECT_EQ(printable_name("a\xc2\x85"
                           "b\xe2\x80\xa8"
                           "c"),
            "'a\\u0085b\\u2028c'");
  EXPECT_EQ(printable_name("bad\xff\xc3"), "'bad\\xff\\xc3'");  // not UTF-8
  EXPECT_EQ(printable_name(std::string(300, 'a'), 10), "'aaaaaaaaaa...'");
}

// A path of `levels` components below a root holding README.md (so that nothing is unwrapped).
std::string nested(std::size_t levels, const std::string& leaf = "f.txt") {
  std::string name;
  for (std::size_t i = 1; i < levels; ++i) name += "d/";
  return name + leaf;
}

// A name of exactly `bytes` bytes in components of 100.
std::string name_of_length(std::size_t bytes) {
  std::string name;
  while (bytes - name.size() > 100) name += std::string(99, 'n') + "/";
  return name + std::string(bytes - name.size(), 'f');
}

// The reason is one printable line (no control character, no DEL).
void expect_one_printable_line(const std::string& reason) {
  for (unsigned char c : reason) EXPECT_FALSE(c < 0x20 || c == 0x7f) << reason;
}

TEST(ArchiveLimits, NamesAreCappedAt1024BytesAndPathsAt64Levels) {
  const Limits limits;
  EXPECT_EQ(limits.max_name_bytes, 1024);
  EXPECT_EQ(limits.max_depth, 64);
}

TEST_F(ExtractTest, NamesUpToTheLengthCapAreAcceptedLongerOnesRejected) {
  const std::string at_cap = name_of_length(1024);
  extract(ZipBuilder().file("README.md", "r").file(at_cap, "x"));
  EXPECT_EQ(files(), (std::vector<std::string>{"README.md", at_cap}));

  const std::string reason = rejection(ZipBuilder().file(name_of_length(1025), "x"));
  EXPECT_TRUE(reason.starts_with("entry name longer than 1024 bytes 'nnn")) << reason;
  EXPECT_TRUE(reason.ends_with("...'")) << reason;
  EXPECT_LT(reason.size(), 200u) << reason;
  EXPECT_EQ(rejection(ZipBuilder().dir(name_of_length(1030) + "/")).substr(0, 33),
            "entry name longer than 1024 bytes");
  EXPECT_EQ(rejection(ZipBuilder().file("abcdef", "x"), {.max_name_bytes = 5}),
            "entry name longer than 5 bytes 'abcdef'");
}

TEST_F(ExtractTest, PathsUpToTheDepthCapAreAcceptedDeeperOnesRejected) {
  extract(ZipBuilder().file("README.md", "r").file(nested(64), "x"));
  EXPECT_EQ(files(), (std::vector<std::string>{"README.md", nested(64)}));

  EXPECT_EQ(rejection(ZipBuilder().file(nested(65), "x")),
            "path deeper than 64 levels '" + nested(65) + "'");
  EXPECT_EQ(rejection(ZipBuilder().dir(nested(65, "e/"))),
            "path deeper than 64 levels '" + nested(65, "e/") + "'");
  // Empty and "." parts are not levels.
  EXPECT_EQ(rejection(ZipBuilder().file("./a//./b/c.txt", "x"), {.max_depth = 3}), "");
  EXPECT_EQ(rejection(ZipBuilder().file("a/b/c/d.txt", "x"), {.max_depth = 3}),
            "path deeper than 3 levels 'a/b/c/d.txt'");
}

TEST_F(ExtractTest, RejectsNamesThatWouldBreakTheJavacArgumentFile) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"src/A\"B.java", "unsafe character '\"' in entry name 'src/A\"B.java'"},
      {"src/A\\B.java", "unsafe character '\\\\' in entry name 'src/A\\\\B.java'"},
      {"src/A#B.java", "unsafe character '#' in entry name 'src/A#B.java'"},
      {"#src/A.java", "unsafe character '#' in entry name '#src/A.java'"},
      {"src/A\nB.java", "control character in entry name 'src/A\\x0aB.java'"},
      {"src/A\rB.java", "control character in entry name 'src/A\\x0dB.java'"},
      {"src/A\tB.java", "control character in entry name 'src/A\\x09B.java'"},
      {"src/A\x7f.java", "control character in entry name 'src/A\\x7f.java'"},
      {"src/A\xc2\x85.java", "control character in entry name 'src/A\\u0085.java'"},
      {"src/dir\n/", "control character in entry name 'src/dir\\x0a/'"},
  };
  for (const auto& [name, message] : cases) {
    const std::string reason = name.ends_with("/") ? rejection(ZipBuilder().dir(name))
                                                   : rejection(ZipBuilder().file(name, "x"));
    EXPECT_EQ(reason, message) << name;
    expect_one_printable_line(reason);
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(ExtractTest, OrdinaryNamesAreAccepted) {
  const std::vector<std::string> names{
      "src/main/java/p/Outer$Inner.java",
      "src/main/java/p/my-class_2+3@home.java",
      "src/main/resources/my notes (final), v2 = ok!.txt",
      "src/main/resources/it's ~%&;[]{}=,.txt",
      "src/main/resources/d\xc3\xad"
      "a/\xc3\xb1"
      "and\xc3\xba.txt",                                              // día/ñandú.txt
      "src/main/resources/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt",  // 日本語.txt
      "src/main/resources/\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1.txt",  // Ελλάδα
  };
  ZipBuilder b;
  for (const auto& n : names) b.file(n, n);
  extract(b);
  auto expected = names;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(files(), expected);
  for (const auto& n : names) EXPECT_EQ(util::read_file(out() / n), n);
}

// Sets, in the archive's bytes, the byte after every `marker` to `byte`.
void patch_after(const fs::path& zip, const std::string& marker, char byte) {
  std::string data = util::read_file(zip);
  for (auto at = data.find(marker); at != std::string::npos; at = data.find(marker, at + 1)) {
    data[at + marker.size()] = byte;
  }
  util::write_file(zip, data);
}

// The other control bytes never reach the name check as controls: libzip reads a NUL as a space,
// reads a name without the UTF-8 flag that holds one as CP437 (where 0x01-0x1f are glyphs such
// as U+2190), and refuses a UTF-8 name that holds one as inconsistent. Tab, CR and LF do reach
// it (RejectsNamesThatWouldBreakTheJavacArgumentFile).
TEST_F(ExtractTest, LibzipTurnsOtherControlBytesIntoHarmlessNamesOrRejectsThem) {
  ZipBuilder().file("src/AxB.java", "x").write(zip());
  patch_after(zip(), "src/A", '\0');
  extract_submission(zip(), out(), {});
  EXPECT_EQ(files(), (std::vector<std::string>{"src/A B.java"}));

  fs::remove_all(out());
  fs::create_directory(out());
  ZipBuilder().file("src/AxB.java", "x").write(zip());
  patch_after(zip(), "src/A", '\x1b');
  extract_submission(zip(), out(), {});
  EXPECT_EQ(files(), (std::vector<std::string>{"src/A\xe2\x86\x90"
                                               "B.java"}));  // U+2190

  ZipBuilder().file("src/\xc3\xa9xB.java", "x").write(zip());  // UTF-8 flag set
  patch_after(zip(), "src/\xc3\xa9", '\x1b');
  EXPECT_THROW(extract_submission(zip(), out(), {}), InvalidArchive);
}

// Renames, in the archive's bytes, every `from` to `to` (the same length), e.g. to give two
// entries one name, which libzip refuses to write.
void rename_in_place(const fs::path& zip, const std::string& from, const std::string& to) {
  ASSERT_EQ(from.size(), to.size());
  std::string data = util::read_file(zip);
  int renamed = 0;
  for (auto at = data.find(from); at != std::string::npos; at = data.find(from, at + 1)) {
    data.replace(at, to.size(), to);
    ++renamed;
  }
  ASSERT_EQ(renamed, 2);  // the local header and the central directory
  util::write_file(zip, data);
}

TEST_F(ExtractTest, RejectsEntriesThatAppearTwice) {
  ZipBuilder().file("src/A.java", "1").file("src/B.java", "2").write(zip());
  rename_in_place(zip(), "src/B.java", "src/A.java");
  try {
    extract_submission(zip(), out(), {});
    ADD_FAILURE() << "accepted";
  } catch (const InvalidArchive& e) {
    EXPECT_STREQ(e.what(), "duplicate path 'src/A.java'");
  }
  ZipBuilder().dir("src/one/").dir("src/two/").write(zip());
  rename_in_place(zip(), "src/two/", "src/one/");
  EXPECT_THROW(extract_submission(zip(), out(), {}), InvalidArchive);
  // The same path spelled twice.
  EXPECT_EQ(rejection(ZipBuilder().dir("src/d/").dir("src//d/")), "duplicate path 'src/d'");
  EXPECT_EQ(rejection(ZipBuilder()
                          .file("src/A.java", "1")
                          .file("src\\A.java", "2")
                          .made_by(ZIP_OPSYS_DOS, 0x20)),
            "duplicate path 'src/A.java'");
  EXPECT_TRUE(files().empty());
}

TEST_F(ExtractTest, RejectsAFileWhereAFolderIsNeededInEitherOrder) {
  const std::string clash = "duplicate path 'src/x' (both a file and a folder)";
  EXPECT_EQ(rejection(ZipBuilder().file("src/x", "1").dir("src/x/y/")), clash);
  EXPECT_EQ(rejection(ZipBuilder().dir("src/x/y/").file("src/x", "1")), clash);
  EXPECT_EQ(rejection(ZipBuilder().dir("src/x/").file("src/x", "1")), clash);
  EXPECT_EQ(rejection(ZipBuilder().file("src/x", "1").dir("src/x/")), clash);
  EXPECT_EQ(rejection(ZipBuilder().file("src/x/y/z.txt", "1").file("src/x", "1")), clash);
  EXPECT_EQ(rejection(ZipBuilder().file("src/x", "1").file("src/x/y/z.txt", "1")), clash);
  EXPECT_TRUE(files().empty());
}

TEST_F(ExtractTest, ModeBitsWithoutAFileTypeAreAnOrdinaryFileOrFolder) {
  extract(ZipBuilder()
              .file("src/A.java", "a")
              .made_by(ZIP_OPSYS_UNIX, 0644u << 16)  // Python: ZipInfo with external_attr set
              .file("src/B.java", "b")
              .made_by(ZIP_OPSYS_UNIX, 0600u << 16)  // Python: writestr(name, data)
              .file("src/C.java", "c")
              .made_by(ZIP_OPSYS_UNIX, 0)  // Python: writestr(ZipInfo(name), data)
              .file("src/D.java", "d")
              .made_by(ZIP_OPSYS_OS_X, 0644u << 16)
              .file("src/E.java", "e")
              .made_by(ZIP_OPSYS_UNIX, (S_IFREG | 0755u) << 16)
              .dir("src/python-dir/")
              .made_by(ZIP_OPSYS_UNIX, (040775u << 16) | 0x10)  // Python 3.12: writestr("d/", "")
              .dir("src/typeless-dir/")
              .made_by(ZIP_OPSYS_UNIX, 0600u << 16)
              .dir("src/no-mode-dir/")
              .made_by(ZIP_OPSYS_UNIX, 0)
              .file("src/dir-by-mode", "")
              .made_by(ZIP_OPSYS_UNIX, (S_IFDIR | 0755u) << 16));
  EXPECT_EQ(files(), (std::vector<std::string>{"src/A.java", "src/B.java", "src/C.java",
                                               "src/D.java", "src/E.java"}));
  for (const char* dir :
       {"src/python-dir", "src/typeless-dir", "src/no-mode-dir", "src/dir-by-mode"}) {
    EXPECT_TRUE(fs::is_directory(out() / dir)) << dir;
  }
}

TEST_F(ExtractTest, LinksDevicesSocketsAndFifosStayRejected) {
  EXPECT_EQ(rejection(ZipBuilder()
                          .file("src/l", "/etc/passwd")
                          .made_by(ZIP_OPSYS_OS_X, (S_IFLNK | 0755u) << 16)),
            "symbolic link 'src/l'");
  EXPECT_EQ(rejection(ZipBuilder().dir("src/l/").made_by(ZIP_OPSYS_UNIX, S_IFLNK << 16)),
            "symbolic link 'src/l/'");
  for (const mode_t type : {S_IFCHR, S_IFBLK, S_IFSOCK, S_IFIFO}) {
    EXPECT_EQ(
        rejection(ZipBuilder().file("src/dev", "").made_by(ZIP_OPSYS_UNIX, (type | 0644u) << 16)),
        "special file 'src/dev'")
        << type;
  }
  // A DOS or Windows host has no Unix mode: whatever its high bits say, the entry is written
  // as an ordinary file (never a link).
  extract(ZipBuilder().file("src/A.java", "a").made_by(ZIP_OPSYS_DOS, (S_IFLNK | 0777u) << 16));
  EXPECT_EQ(files(), (std::vector<std::string>{"src/A.java"}));
  EXPECT_FALSE(fs::is_symlink(out() / "src/A.java"));
}

TEST_F(ExtractTest, BackslashesSeparateFoldersOnlyInArchivesMadeOnDosOrWindows) {
  const auto stats = extract(ZipBuilder()
                                 .file("MyProject\\src\\main\\java\\A.java", "a")
                                 .made_by(ZIP_OPSYS_DOS, 0x20)
                                 .file("MyProject\\src/main\\java/B.java", "b")
                                 .made_by(ZIP_OPSYS_WINDOWS_NTFS, 0x20)
                                 .file("MyProject\\README.md", "r")
                                 .made_by(ZIP_OPSYS_VFAT, 0x20));
  EXPECT_EQ(files(), (std::vector<std::string>{"README.md", "src/main/java/A.java",
                                               "src/main/java/B.java"}));
  EXPECT_EQ(stats.unwrapped, "MyProject");
  // From a Unix or macOS host, '\\' is a character of the name.
  EXPECT_EQ(rejection(ZipBuilder().file("src\\A.java", "a")),
            "unsafe character '\\\\' in entry name 'src\\\\A.java'");
  EXPECT_EQ(rejection(ZipBuilder().file("src\\A.java", "a").made_by(ZIP_OPSYS_OS_X, 0644u << 16)),
            "unsafe character '\\\\' in entry name 'src\\\\A.java'");
}

TEST_F(ExtractTest, DropsTheJarToolsManifestSoTheProjectFolderUnwraps) {
  const auto stats = extract(ZipBuilder()
                                 .dir("META-INF/")
                                 .file("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n")
                                 .dir("MyProject/")
                                 .file("MyProject/src/main/java/A.java", "a"));
  EXPECT_EQ(files(), (std::vector<std::string>{"src/main/java/A.java"}));
  EXPECT_EQ(stats.unwrapped, "MyProject");
  EXPECT_EQ(stats.dropped, 2);
}

TEST_F(ExtractTest, KeepsAMetaInfFolderThatHoldsMoreThanTheManifest) {
  extract(ZipBuilder()
              .file("META-INF/MANIFEST.MF", "m")
              .file("META-INF/notes.txt", "n")
              .file("src/A.java", "a"));
  EXPECT_EQ(files(),
            (std::vector<std::string>{"META-INF/MANIFEST.MF", "META-INF/notes.txt", "src/A.java"}));
}

TEST_F(ExtractTest, DropsAppleDoubleFilesBesideTheRealOnes) {
  const std::string apple_double("\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ", 24);
  const auto stats = extract(ZipBuilder()
                                 .file("MyProject/src/main/java/A.java", "a")
                                 .file("MyProject/src/main/java/._A.java", apple_double)
                                 .file("MyProject/._src", apple_double));
  EXPECT_EQ(files(), (std::vector<std::string>{"src/main/java/A.java"}));
  EXPECT_EQ(stats.dropped, 2);
}

}  // namespace
}  // namespace runner::archive
