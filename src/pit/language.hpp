#pragma once
// The languages a PIT can be written in, and what the grading core needs to know of each: where
// the hidden tests live, how to find them, how a selector names one, and which files a
// submission may never provide. Adding a language is one more entry here plus its driver
// (README, "Adding a language").
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pit/build_tool.hpp"

namespace runner::pit {

enum class Language { Java, Python };

// The tests an overlay provides, found by reading its sources (never by running them).
struct TestInventory {
  // The test "classes": Java fully qualified names ("edu.x.CalculatorTest"); Python test files
  // and classes as pytest names them ("tests/test_calc.py", "tests/test_calc.py::TestPower").
  std::vector<std::string> classes;
  // "class#method" of each test found: each is expected in every run.
  std::vector<std::string> tests;
};

// A `weights`/`visibility` key split into its class part and method ("" for every test).
struct SelectorParts {
  std::string class_name;
  std::string method;
};

struct LanguageRules {
  Language language;
  std::string_view name;          // pit.yaml `language`
  std::vector<BuildTool> builds;  // the build tools it may name; the first is the default
  // The overlay folder holding the hidden tests: copied beside the project, never into it.
  std::string_view tests_folder;
  // `protected` when the PIT does not say: what a submission's copy of the tests would be.
  std::vector<std::string> protected_globs;
  // What the test sources are, to say so in messages ("test classes under src/test/java").
  std::string_view tests_described;
  std::string_view selector_form;  // "Class or Class#method"
  // Files a submission may never provide, whatever the PIT: build and test-framework
  // configuration, and what would change how the tests run. `rel` is '/'-separated.
  bool (*is_reserved)(const std::string& rel);
  // The tests under `overlay`; throws std::invalid_argument with a message naming the file
  // (relative to the PIT, through `overlay_name`) when a test source is misplaced.
  TestInventory (*discover)(const std::filesystem::path& overlay, const std::string& overlay_name);
  // The parts of a selector, or nullopt when it is not of the language's form. `inventory`
  // resolves what only the tests can tell ("test_calc.py::TestPower" is a class).
  std::optional<SelectorParts> (*split_selector)(const std::string& selector,
                                                 const TestInventory& inventory);
  // The overlay path of a test class's source ("src/test/java/edu/x/T.java").
  std::string (*source_of)(const std::string& test_class);
  // What makes a function a test, for "names no test" messages ("@Test method").
  std::string_view test_described;
  // What staff should check when a run found none of the PIT's tests.
  std::string_view no_tests_hint;
  // A limit of how far the language's results can be trusted, which `pit check` shows staff;
  // empty when the results channel holds against anything a submission can do.
  std::string_view trust_note;
};

const LanguageRules& rules(Language language);
// The language pit.yaml's `language` names; nullopt for any other.
std::optional<Language> parse_language(std::string_view name);
// "java, python": for messages.
std::string language_names();

// Java and Python (pit/java_tests.cpp, pit/python_tests.cpp).
const LanguageRules& java_rules();
const LanguageRules& python_rules();

}  // namespace runner::pit
