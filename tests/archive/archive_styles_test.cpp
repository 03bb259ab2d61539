// Ordinary ZIPs as students make them, built here by running the real tools (Python's zipfile,
// the JDK's jar and java.util.zip, 7-Zip, Info-ZIP) or, for the desktop ones that do not run
// here (macOS Finder, Windows Explorer), by writing their exact layout with Python: every one is
// accepted and extracts to the same project. scripts/install.sh installs every tool, so CI never
// skips; a test skips only where a tool is absent.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "archive/extract.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::archive {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// The project, as the student's folder holds it (relative to MyProject/). Names a student may
// well use: '$' of inner classes, spaces, '-', '+', '@', letters outside ASCII.
const std::vector<std::string>& project_files() {
  static const std::vector<std::string> files{
      "README.md",
      "src/main/java/p/A.java",
      "src/main/java/p/Outer$Inner.java",
      "src/main/resources/my notes.txt",
      "src/main/resources/d\xc3\xad"
      "a-1+2@home.txt",  // día-1+2@home.txt
  };
  return files;
}
const char* const kEmptyFolder = "src/main/resources/empty";

std::string content_of(const std::string& relative) {
  return "content of " + relative + "\n";
}

// Runs `command` with sh in a UTF-8 locale (so that the JDK and 7-Zip read non-ASCII names as
// they are); its output goes to the test's log. Returns the exit status.
int run(const std::string& command) {
  const std::string full = "export LC_ALL=C.UTF-8; " + command;
  const int status = std::system(full.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool have(const std::string& tool) {
  return run("command -v " + tool + " >/dev/null 2>&1") == 0;
}

class ArchiveStylesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& f : project_files()) {
      fs::create_directories((base() / "MyProject" / f).parent_path());
      util::write_file(base() / "MyProject" / f, content_of(f));
    }
    fs::create_directories(base() / "MyProject" / kEmptyFolder);
    fs::create_directory(out());
  }

  fs::path base() const { return tmp / "student"; }  // holds MyProject/
  fs::path zip() const { return tmp / "s.zip"; }
  fs::path out() const { return tmp / "out"; }

  // Writes `script` and runs it with python3, `zip()` as its argument, from base().
  void python(const std::string& script) {
    util::write_file(tmp / "make.py", script);
    ASSERT_EQ(run("cd '" + base().string() + "' && python3 '" + (tmp / "make.py").string() + "' '" +
                  zip().string() + "'"),
              0);
  }

  // Extracts zip() and checks that out() holds the project, unwrapped from MyProject/.
  void expect_the_project(bool with_empty_folder = true) {
    ExtractStats stats;
    try {
      stats = extract_submission(zip(), out(), {});
    } catch (const InvalidArchive& e) {
      FAIL() << "rejected: " << e.what();
    }
    EXPECT_EQ(stats.unwrapped, "MyProject");
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(out())) {
      EXPECT_FALSE(e.is_symlink()) << e.path();
      if (e.is_regular_file()) found.push_back(util::relative_slash(e.path(), out()));
    }
    std::sort(found.begin(), found.end());
    auto expected = project_files();
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(found, expected);
    for (const auto& f : project_files()) {
      if (fs::is_regular_file(out() / f)) {
        EXPECT_EQ(util::read_file(out() / f), content_of(f));
      }
    }
    if (with_empty_folder) {
      EXPECT_TRUE(fs::is_directory(out() / kEmptyFolder));
    }
  }

  TempDir tmp;
};

// The project's files and folders for a Python script, relative to base(): (name, is_dir, data).
std::string python_entries() {
  std::string list = "ENTRIES = [\n";
  list += "    ('MyProject/', True, ''),\n";
  list += std::string("    ('MyProject/") + kEmptyFolder + "/', True, ''),\n";
  for (const auto& f : project_files()) {
    list += "    ('MyProject/" + f + "', False, '" + content_of(f).substr(0, 11) + f + "\\n'),\n";
  }
  return list + "]\n";
}

TEST_F(ArchiveStylesTest, PythonZipfileWrite) {
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
  python(R"(import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk('MyProject'):
        z.write(root)
        for f in files:
            z.write(os.path.join(root, f))
)");
  expect_the_project();
}

// writestr: files carry a mode without a file type (0o600, or what the script set, or 0), and
// folders only their trailing '/' or a folder mode.
TEST_F(ArchiveStylesTest, PythonZipfileWritestr) {
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
  python(python_entries() + R"(import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for i, (name, is_dir, data) in enumerate(ENTRIES):
        if i % 3 == 0:
            z.writestr(name, data)                   # mode 0o600 << 16, no type
        else:
            info = zipfile.ZipInfo(name)
            if i % 3 == 1:
                info.external_attr = 0o644 << 16     # mode bits only
            elif is_dir:
                info.external_attr = (0o40775 << 16) | 0x10
            z.writestr(info, data)                   # else: external_attr 0
)");
  expect_the_project();
}

// The jar tool adds META-INF/MANIFEST.MF at the root; it is dropped, so MyProject/ unwraps.
TEST_F(ArchiveStylesTest, JarTool) {
  if (!have("jar")) GTEST_SKIP() << "jar (the JDK) is not installed";
  ASSERT_EQ(run("cd '" + base().string() + "' && jar cf '" + zip().string() + "' MyProject"), 0);
  expect_the_project();
}

TEST_F(ArchiveStylesTest, JavaUtilZipOutputStream) {
  if (!have("java")) GTEST_SKIP() << "java (the JDK) is not installed";
  util::write_file(tmp / "Zipper.java", R"(import java.io.IOException;
import java.nio.file.*;
import java.util.List;
import java.util.zip.*;

public class Zipper {
  public static void main(String[] args) throws IOException {
    Path base = Path.of(args[1]);
    List<Path> paths;
    try (var walk = Files.walk(base.resolve(args[2]))) {
      paths = walk.sorted().toList();
    }
    try (var out = new ZipOutputStream(Files.newOutputStream(Path.of(args[0])))) {
      for (Path p : paths) {
        String name = base.relativize(p).toString().replace('\\', '/');
        if (Files.isDirectory(p)) {
          out.putNextEntry(new ZipEntry(name + "/"));
        } else {
          out.putNextEntry(new ZipEntry(name));
          Files.copy(p, out);
        }
        out.closeEntry();
      }
    }
  }
}
)");
  ASSERT_EQ(run("java '" + (tmp / "Zipper.java").string() + "' '" + zip().string() + "' '" +
                base().string() + "' MyProject"),
            0);
  expect_the_project();
}

TEST_F(ArchiveStylesTest, SevenZip) {
  const std::string tool = have("7zz") ? "7zz" : have("7z") ? "7z" : "";
  if (tool.empty()) GTEST_SKIP() << "7-Zip (7zz or 7z) is not installed";
  ASSERT_EQ(run("cd '" + base().string() + "' && " + tool + " a -tzip -bd '" + zip().string() +
                "' MyProject >/dev/null"),
            0);
  expect_the_project();
}

TEST_F(ArchiveStylesTest, InfoZip) {
  if (!have("zip")) GTEST_SKIP() << "zip is not installed";
  ASSERT_EQ(run("cd '" + base().string() + "' && zip -qr '" + zip().string() + "' MyProject"), 0);
  expect_the_project();
}

// Finder's "Compress" (ditto -c -k --sequesterRsrc --keepParent): a Unix host and modes, the
// resource forks as AppleDouble "._" files under __MACOSX/, .DS_Store files; and "._" files
// beside the real ones, as a copy through a FAT stick or ditto without --sequesterRsrc leaves.
TEST_F(ArchiveStylesTest, MacOsFinder) {
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
  python(python_entries() + R"(import sys, zipfile
APPLE_DOUBLE = b'\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02'
DS_STORE = b'\x00\x00\x00\x01Bud1' + bytes(16)
def add(z, name, data, mode):
    info = zipfile.ZipInfo(name, (2024, 5, 1, 12, 0, 0))
    info.create_system = 3
    info.create_version = 21
    info.external_attr = mode << 16
    z.writestr(info, data)
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, is_dir, data in ENTRIES:
        add(z, name, data, 0o40755 if is_dir else 0o100644)
    add(z, 'MyProject/.DS_Store', DS_STORE, 0o100644)
    add(z, 'MyProject/src/main/java/p/._A.java', APPLE_DOUBLE, 0o100644)
    add(z, '__MACOSX/', b'', 0o40755)
    add(z, '__MACOSX/MyProject/', b'', 0o40755)
    add(z, '__MACOSX/MyProject/._README.md', APPLE_DOUBLE, 0o100644)
    add(z, '__MACOSX/MyProject/src/main/java/p/._A.java', APPLE_DOUBLE, 0o100644)
)");
  expect_the_project();
}

// Windows Explorer's "Send to > Compressed folder": a DOS host ("version made by" 0), DOS
// attributes and no Unix mode, names in the OEM code page without the UTF-8 flag.
TEST_F(ArchiveStylesTest, WindowsExplorer) {
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
  python(python_entries() + R"(import sys, zipfile
class ExplorerInfo(zipfile.ZipInfo):
    __slots__ = ()
    def _encodeFilenameFlags(self):  # zipfile would write UTF-8 and set the flag
        return self.filename.encode('cp437'), self.flag_bits & ~0x800
def add(z, name, data, is_dir):
    info = ExplorerInfo(name)
    info.create_system = 0
    info.create_version = 20
    info.external_attr = 0x10 if is_dir else 0x20
    z.writestr(info, data)
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, is_dir, data in ENTRIES:
        add(z, name, data, is_dir)
)");
  // The name really is stored in CP437 (í is 0xa1), as Explorer does.
  EXPECT_NE(util::read_file(zip()).find("d\xa1"
                                        "a-1+2@home.txt"),
            std::string::npos);
  expect_the_project();
}

// Windows tools that write '\' between folders (PowerShell 5's Compress-Archive, .NET Framework
// 4.5's ZipFile): a DOS host, so '\' is a separator.
TEST_F(ArchiveStylesTest, WindowsToolsWithBackslashes) {
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
  python(python_entries() + R"(import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, is_dir, data in ENTRIES:
        info = zipfile.ZipInfo(name.replace('/', '\\').rstrip('\\') + ('\\' if is_dir else ''))
        info.create_system = 0
        info.external_attr = 0x10 if is_dir else 0x20
        z.writestr(info, data)
)");
  EXPECT_NE(util::read_file(zip()).find("MyProject\\src\\main\\java\\p\\A.java"),
            std::string::npos);
  expect_the_project();
}

}  // namespace
}  // namespace runner::archive
