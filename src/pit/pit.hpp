#pragma once
// A PIT: one assignment's configuration, hidden tests and build files (README, "Writing a PIT").
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pit/build_tool.hpp"
#include "pit/language.hpp"

namespace runner::pit {

// A problem with a PIT; what() names the file and the key ("pits/x/pit.yaml:7: timeout_ms: ...").
class PitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `Class` or `Class#method` (Java; Class is a simple or fully qualified name), or as pytest names
// tests (Python: `test_calc.py::test_adds`, `TestPower::test_squares`): LanguageRules.
struct WeightRule {
  std::string class_name;
  std::string method;  // empty: every test of the class
  double weight = 1;
};

// Who may see a test's result, as Gradescope's results format names it (README, "Test
// visibility"). The platform that shows feedback.json to students applies it.
enum class Visibility { Visible, Hidden, AfterDueDate, AfterPublished };

// "visible", "hidden", "after_due_date", "after_published".
std::string to_string(Visibility visibility);
// The visibility named `name`; nullopt for any other text.
std::optional<Visibility> parse_visibility(std::string_view name);

// `Class` or `Class#method` (as for weights) -> visibility.
struct VisibilityRule {
  std::string class_name;
  std::string method;  // empty: every test of the class
  Visibility visibility = Visibility::Visible;
};

struct Pit {
  std::string id;
  std::string title;
  Language language = Language::Java;
  BuildTool build = BuildTool::Maven;
  int timeout_ms = 120000;
  int memory_mb = 1024;
  std::optional<double> max_score;
  std::optional<int> expected_tests;
  std::filesystem::path dir;
  std::filesystem::path overlay_dir;
  std::vector<std::string> protected_globs{"src/test/**"};  // the language's when not set
  std::vector<std::string> required;
  std::vector<WeightRule> weights;
  double default_weight = 1;
  std::vector<VisibilityRule> visibility;
  Visibility default_visibility = Visibility::Visible;
  bool network = false;
  // Maven and Gradle PITs: grade with the build plan learnt once from the build file, without
  // starting the build tool per submission (docs/build-drivers.md, "Build plans"). false: run the
  // real build tool for every submission.
  bool build_plan = true;
  // An identical submission gets the verdict already given (README, "The verdict cache");
  // false for tests meant to vary (random inputs, timing).
  bool cache = true;
  // What student code may do beyond the default policy (docs/sandbox.md): "reflection",
  // "files" (read and write in the project folder), "network".
  std::vector<std::string> student_permissions;

  // The test classes the overlay provides (TestInventory::classes: Java fully qualified names,
  // Python test files and classes). Only their tests are scored.
  std::vector<std::string> test_classes;
  // "class#method" of the tests found in those sources. Each is expected: one that never
  // reported (the JVM died, a test hung) counts as failed. Never used to decide what passed.
  std::vector<std::string> known_tests;
  // SHA-256 of every file in `dir` (pit.yaml and the overlay) as load_pit found them: part of
  // the verdict cache's key, so an edited PIT never answers with a verdict of its old files.
  std::string files_digest;

  const LanguageRules& rules() const { return pit::rules(language); }
};

// What the PIT inherits when it does not say.
struct PitDefaults {
  BuildTool build = BuildTool::Maven;
  int timeout_ms = 120000;
  int memory_mb = 1024;
};

// Loads and validates `<dir>/pit.yaml`. Throws PitError with every message naming file and key.
Pit load_pit(const std::filesystem::path& dir, const PitDefaults& defaults);

// The weight of one test (class FQCN + method), by the most specific matching rule.
double weight_of(const Pit& pit, const std::string& class_name, const std::string& method);

// The visibility of one test (class FQCN + method), by the most specific matching rule.
Visibility visibility_of(const Pit& pit, const std::string& class_name, const std::string& method);

// True when every test of the class `fqcn` is visible, so its source may be quoted in a field
// students see (a compiler error in it); false when any of them is not.
bool source_visible(const Pit& pit, const std::string& fqcn);

// The overlay paths ("src/test/java/edu/x/HiddenTest.java") of the test classes whose source
// is not source_visible.
std::vector<std::string> hidden_test_sources(const Pit& pit);

// True when `selector` names the class `fqcn`: Java, the class by its simple or fully qualified
// name; Python, the file or class by a path suffix ("test_calc.py" names "tests/test_calc.py"
// and its classes, "TestPower" names "tests/test_calc.py::TestPower").
bool class_matches(const std::string& selector, const std::string& fqcn);

}  // namespace runner::pit
