// Python PITs: pytest tests under tests/ (test_*.py, *_test.py), selectors as pytest names
// tests ("test_calc.py::test_adds", "TestPower::test_squares").
#include <algorithm>
#include <regex>

#include "pit/language.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::pit {
namespace {

namespace fs = std::filesystem;

bool is_test_file(const std::string& name) {
  return name.ends_with(".py") &&
         (name.starts_with("test_") || (name.ends_with("_test.py") && name != "_test.py"));
}

// Test functions at the top of a file and test methods of its Test* classes, as pytest collects
// them by default: a scan of `def` lines, which the harness cross-checks at run time (every
// known test must report).
void scan_file(const std::string& file, const std::string& source, TestInventory& found) {
  static const std::regex top_def(R"(^(?:async\s+)?def\s+(test\w*)\s*\()");
  static const std::regex class_def(R"(^class\s+(Test\w*)\s*[:(])");
  static const std::regex method_def(R"(^\s+(?:async\s+)?def\s+(test\w*)\s*\()");
  found.classes.push_back(file);
  std::string current_class;  // the Test* class whose body the scan is in
  for (const auto& line : util::split(source, '\n')) {
    std::smatch m;
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    const std::string trimmed = util::trim(line);
    if (!indented && !trimmed.empty() && !trimmed.starts_with("#") && !trimmed.starts_with("@") &&
        !trimmed.starts_with(")")) {
      current_class.clear();
    }
    if (std::regex_search(line, m, class_def)) {
      current_class = file + "::" + m[1].str();
      found.classes.push_back(current_class);
    } else if (std::regex_search(line, m, top_def)) {
      found.tests.push_back(file + "#" + m[1].str());
    } else if (!current_class.empty() && std::regex_search(line, m, method_def)) {
      found.tests.push_back(current_class + "#" + m[1].str());
    }
  }
}

TestInventory discover(const fs::path& overlay, const std::string&) {
  TestInventory found;
  const fs::path root = overlay / "tests";
  if (!fs::is_directory(root)) return found;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && is_test_file(entry.path().filename().string())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    scan_file(util::relative_slash(file, overlay), util::read_file(file), found);
  }
  return found;
}

bool names_a_class(const std::string& selector, const TestInventory& inventory) {
  return std::any_of(inventory.classes.begin(), inventory.classes.end(), [&](const std::string& c) {
    return c == selector || c.ends_with("/" + selector) || c.ends_with("::" + selector);
  });
}

// "test_calc.py", "test_calc.py::test_adds", "TestPower::test_squares", "tests/x/test_y.py::
// TestZ": what names a file or class is a class; otherwise the last part is the test.
std::optional<SelectorParts> split_selector(const std::string& selector,
                                            const TestInventory& inventory) {
  static const std::regex form(R"(^[\w.\-/]+(::\w+)*$)");
  if (!std::regex_match(selector, form) || selector.find("..") != std::string::npos) {
    return std::nullopt;
  }
  if (names_a_class(selector, inventory)) return SelectorParts{selector, ""};
  const auto sep = selector.rfind("::");
  if (sep == std::string::npos) return SelectorParts{selector, ""};
  return SelectorParts{selector.substr(0, sep), selector.substr(sep + 2)};
}

std::string source_of(const std::string& test_class) {
  return test_class.substr(0, test_class.find("::"));
}

bool is_reserved(const std::string& rel) {
  const std::string leaf = fs::path(rel).filename().string();
  // pytest's configuration and plugins: the harness's or the PIT's are used, never a student's.
  for (const char* name : {"conftest.py", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml",
                           "sitecustomize.py", "usercustomize.py"}) {
    if (leaf == name) return true;
  }
  // Caches and compiled bytecode: what runs must be the source the student sent.
  for (const auto& part : util::split(rel, '/')) {
    if (part == "__pycache__" || part == ".pytest_cache" || part.ends_with(".dist-info") ||
        part.ends_with(".egg-info")) {
      return true;
    }
  }
  return leaf.ends_with(".pyc") || leaf.ends_with(".pyo") || leaf.ends_with(".pth");
}

}  // namespace

const LanguageRules& python_rules() {
  static const LanguageRules rules{Language::Python,
                                   "python",
                                   {BuildTool::Pytest},
                                   "tests",
                                   {"tests/**"},
                                   "test files under tests/ (test_*.py or *_test.py)",
                                   "file.py, file.py::test, Class or Class::test",
                                   is_reserved,
                                   discover,
                                   split_selector,
                                   source_of,
                                   "test function",
                                   "pytest collected none of the PIT's tests; check the names: "
                                   "test_*.py files, test_* functions, Test* classes without "
                                   "__init__",
                                   "Python results are not tamper-proof against a student who "
                                   "knows CPython's internals well (docs/python.md, \"Known "
                                   "limits\"): read log.txt of an unexpected full mark"};
  return rules;
}

}  // namespace runner::pit
