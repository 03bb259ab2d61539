// Java PITs: JUnit tests under src/test/java, one class per file, `Class#method` selectors.
#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <stdexcept>

#include "pit/language.hpp"
#include "util/fs.hpp"

namespace runner::pit {
namespace {

namespace fs = std::filesystem;

// The `package` a Java source declares ("" for none): the first token after whitespace and
// comments (a plain scan: a regex over a long comment would recurse deeply).
std::string declared_package(const std::string& source) {
  std::size_t i = 0;
  while (i < source.size()) {
    if (std::isspace(static_cast<unsigned char>(source[i]))) {
      ++i;
    } else if (source.compare(i, 2, "//") == 0) {
      i = source.find('\n', i);
    } else if (source.compare(i, 2, "/*") == 0) {
      i = source.find("*/", i + 2);
      if (i != std::string::npos) i += 2;
    } else {
      break;
    }
  }
  if (i >= source.size() || source.compare(i, 7, "package") != 0) return "";
  const auto end = source.find(';', i);
  if (end == std::string::npos) return "";
  std::string name;
  for (const char c : source.substr(i + 7, end - i - 7)) {
    if (!std::isspace(static_cast<unsigned char>(c))) name += c;
  }
  return name;
}

// The test classes under src/test/java, by their folder. A source whose `package` line does not
// match its folder is an error: the runner (and Surefire) would look for a class that does not
// exist, and every student would get "did not run" for every test.
std::vector<std::string> test_classes(const fs::path& overlay, const std::string& overlay_name) {
  std::vector<std::string> classes;
  const fs::path root = overlay / "src/test/java";
  if (!fs::is_directory(root)) return classes;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".java") continue;
    const fs::path rel = fs::relative(entry.path(), root);
    std::string folder_package = rel.parent_path().generic_string();
    std::replace(folder_package.begin(), folder_package.end(), '/', '.');
    const std::string declared = declared_package(util::read_file(entry.path()));
    if (declared != folder_package) {
      std::string wanted = declared;
      std::replace(wanted.begin(), wanted.end(), '.', '/');
      throw std::invalid_argument(
          overlay_name + "/src/test/java/" + rel.generic_string() +
          (declared.empty() ? " declares no package" : " declares package " + declared) +
          " but sits in " +
          (folder_package.empty() ? "the default package's folder"
                                  : "the folder of package " + folder_package) +
          ": move it to " + overlay_name + "/src/test/java/" +
          (wanted.empty() ? "" : wanted + "/") + rel.filename().string() +
          " or fix its package line");
    }
    std::string name = fs::path(rel).replace_extension().generic_string();
    std::replace(name.begin(), name.end(), '/', '.');
    classes.push_back(name);
  }
  std::sort(classes.begin(), classes.end());
  return classes;
}

std::string source_of(const std::string& test_class) {
  std::string rel = test_class;
  std::replace(rel.begin(), rel.end(), '.', '/');
  return "src/test/java/" + rel + ".java";
}

// A light scan of the test sources for @Test, @ParameterizedTest and @RepeatedTest methods
// (JUnit 4 and 5).
TestInventory discover(const fs::path& overlay, const std::string& overlay_name) {
  static const std::regex test_method(
      R"(@(?:org\.junit\.(?:jupiter\.(?:api|params)\.)?)?(?:Test|ParameterizedTest|RepeatedTest)\b)"
      R"((?:\s*\([^)]*\))?\s*)"
      R"((?:@[\w.]+(?:\([^)]*\))?\s*)*(?:(?:public|protected|private|static|final)\s+)*)"
      R"(void\s+(\w+)\s*\()");
  TestInventory found;
  found.classes = test_classes(overlay, overlay_name);
  for (const auto& cls : found.classes) {
    const std::string source = util::read_file(overlay / source_of(cls));
    for (auto it = std::sregex_iterator(source.begin(), source.end(), test_method);
         it != std::sregex_iterator(); ++it) {
      found.tests.push_back(cls + "#" + (*it)[1].str());
    }
  }
  return found;
}

std::optional<SelectorParts> split_selector(const std::string& selector, const TestInventory&) {
  static const std::regex form(
      R"(^([A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*)(#([A-Za-z_$][\w$]*))?$)");
  std::smatch m;
  if (!std::regex_match(selector, m, form)) return std::nullopt;
  return SelectorParts{m[1].str(), m[4].str()};
}

bool is_reserved(const std::string& rel) {
  // Build files: the PIT's are used, or none; a student's could run arbitrary build logic.
  static const std::array<std::string_view, 12> root_build_files{
      "pom.xml",         "build.gradle",        "build.gradle.kts",
      "settings.gradle", "settings.gradle.kts", "gradle.properties",
      "gradlew",         "gradlew.bat",         "mvnw",
      "mvnw.cmd",        "build.xml",           "init.gradle"};
  static const std::array<std::string_view, 3> root_build_dirs{".mvn/", "gradle/", "buildSrc/"};
  for (auto f : root_build_files) {
    if (rel == f) return true;
  }
  for (auto d : root_build_dirs) {
    if (rel.starts_with(d)) return true;
  }
  // Test-framework configuration found on the classpath would change how the tests run.
  const std::string leaf = fs::path(rel).filename().string();
  if (leaf == "junit-platform.properties" || leaf == "allure.properties") return true;
  // A module descriptor changes how every tool compiles and runs the tests (and breaks them).
  if (leaf == "module-info.java") return true;
  if (rel.find("META-INF/services/") != std::string::npos) return true;
  return false;
}

}  // namespace

const LanguageRules& java_rules() {
  static const LanguageRules rules{Language::Java,
                                   "java",
                                   {BuildTool::Maven, BuildTool::Gradle, BuildTool::Javac},
                                   "src/test",
                                   {"src/test/**"},
                                   "test classes under src/test/java",
                                   "Class or Class#method",
                                   is_reserved,
                                   discover,
                                   split_selector,
                                   source_of,
                                   "@Test method",
                                   "the test engines found no test in the PIT's classes; check "
                                   "their @Test annotations: org.junit.Test or "
                                   "org.junit.jupiter.api.Test",
                                   ""};
  return rules;
}

}  // namespace runner::pit
