#include "pit/pit.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <set>

#include "util/crypto.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::pit {
namespace {

namespace fs = std::filesystem;

// Reads typed values from pit.yaml, turning every problem into a PitError that names the key.
class Fields {
 public:
  Fields(const YAML::Node& root, std::string file) : root_(root), file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& reason) const {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    throw PitError(file_ + (line > 0 ? ":" + std::to_string(line) : "") + ": " + key + ": " +
                   reason);
  }
  [[noreturn]] void fail(const std::string& key, const std::string& reason) const {
    fail(root_[key], key, reason);
  }

  YAML::Node node(const std::string& key) const { return root_[key]; }
  bool has(const std::string& key) const { return root_[key].IsDefined() && !root_[key].IsNull(); }

  std::string scalar(const std::string& key) const {
    const YAML::Node node = root_[key];
    if (!node.IsScalar()) fail(node, key, "expected a text value");
    return node.Scalar();
  }

  long long integer(const std::string& key, long long min, long long max) const {
    const std::string raw = scalar(key);
    auto value = util::parse_int(raw, min, max);
    if (!value) {
      fail(key, "expected an integer between " + std::to_string(min) + " and " +
                    std::to_string(max) + ", got '" + raw + "'");
    }
    return *value;
  }

  double number(const YAML::Node& node, const std::string& key, double min) const {
    if (!node.IsScalar()) fail(node, key, "expected a number");
    double value = 0;
    try {
      value = node.as<double>();
    } catch (const YAML::Exception&) {
      fail(node, key, "expected a number, got '" + node.Scalar() + "'");
    }
    if (!std::isfinite(value) || value < min) {
      fail(node, key, fmt::format("must be a number >= {}", min));
    }
    return value;
  }

  bool boolean(const std::string& key) const {
    const std::string raw = scalar(key);
    if (raw == "true") return true;
    if (raw == "false") return false;
    fail(key, "expected true or false, got '" + raw + "'");
  }

  std::vector<std::string> strings(const std::string& key) const {
    const YAML::Node node = root_[key];
    if (!node.IsSequence()) fail(node, key, "expected a list of strings");
    std::vector<std::string> out;
    for (const auto& item : node) {
      if (!item.IsScalar() || item.Scalar().empty()) fail(item, key, "expected non-empty strings");
      out.push_back(item.Scalar());
    }
    return out;
  }

  const YAML::Node& root() const { return root_; }

 private:
  YAML::Node root_;
  std::string file_;
};

const std::set<std::string> kKnownKeys{
    "id",         "title",      "language",           "build",   "timeout_ms",
    "memory_mb",  "max_score",  "expected_tests",     "overlay", "protected",
    "required",   "weights",    "default_weight",     "network", "student_permissions",
    "build_plan", "visibility", "default_visibility", "cache"};

bool is_relative_inside(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  for (const auto& part : util::split(path, '/')) {
    if (part == "..") return false;
  }
  return true;
}

// The test classes a selector's class part names (simple or fully qualified).
std::vector<std::string> classes_named(const Pit& pit, const std::string& selector) {
  std::vector<std::string> found;
  for (const auto& c : pit.test_classes) {
    if (class_matches(selector, c)) found.push_back(c);
  }
  return found;
}

// The methods the overlay's sources define for `classes` ("adds", not "fqcn#adds").
std::vector<std::string> methods_of(const Pit& pit, const std::vector<std::string>& classes) {
  std::vector<std::string> methods;
  for (const auto& test : pit.known_tests) {
    const auto hash = test.find('#');
    const std::string cls = test.substr(0, hash);
    if (std::find(classes.begin(), classes.end(), cls) != classes.end()) {
      methods.push_back(test.substr(hash + 1));
    }
  }
  return methods;
}

// "CalculatorTest" of "edu.x.CalculatorTest"; "test_calc.py::TestPower" of
// "tests/test_calc.py::TestPower".
std::vector<std::string> simple_names(const std::vector<std::string>& classes) {
  std::vector<std::string> names;
  for (const auto& c : classes) {
    names.push_back(c.find('/') != std::string::npos || c.ends_with(".py") ||
                            c.find("::") != std::string::npos
                        ? c.substr(c.substr(0, c.find("::")).rfind('/') + 1)
                        : c.substr(c.rfind('.') + 1));
  }
  return names;
}

// `Class` or `Class#method`, checked against the overlay's tests so a typo fails `pit check`
// instead of becoming a phantom failed test in every student's grade.
struct Selector {
  std::string class_name;
  std::string method;
};

Selector read_selector(const Fields& f, const YAML::Node& key_node, const std::string& section,
                       const Pit& pit) {
  const LanguageRules& lang = pit.rules();
  const std::string key = key_node.Scalar();
  const std::string quoted = "'" + key + "'";
  const auto parts = lang.split_selector(key, {pit.test_classes, pit.known_tests});
  if (!parts) f.fail(key_node, section, quoted + " is not " + std::string(lang.selector_form));
  Selector sel{parts->class_name, parts->method};
  const auto named = classes_named(pit, sel.class_name);
  const std::string method_sep = pit.language == Language::Java ? "#" : "::";
  if (named.empty()) {
    // "FractionTest.adds": a method written with a dot.
    const auto dot = sel.class_name.rfind('.');
    if (pit.language == Language::Java && sel.method.empty() && dot != std::string::npos) {
      const std::string cls = sel.class_name.substr(0, dot);
      const std::string method = sel.class_name.substr(dot + 1);
      const auto owners = classes_named(pit, cls);
      const auto methods = methods_of(pit, owners);
      if (!owners.empty() && std::find(methods.begin(), methods.end(), method) != methods.end()) {
        f.fail(key_node, section,
               quoted + " names no test class; a method is written Class#method: did you mean '" +
                   cls + "#" + method + "'?");
      }
    }
    std::string hint;
    if (auto near = util::closest(sel.class_name, simple_names(pit.test_classes))) {
      hint =
          "; did you mean '" + *near + (sel.method.empty() ? "" : method_sep + sel.method) + "'?";
    }
    f.fail(key_node, section,
           quoted + " names none of the overlay's " + std::string(lang.tests_described) + hint);
  }
  if (!sel.method.empty()) {
    const auto methods = methods_of(pit, named);
    if (std::find(methods.begin(), methods.end(), sel.method) == methods.end()) {
      std::string hint;
      if (auto near = util::closest(sel.method, methods)) {
        hint = "; did you mean '" + sel.class_name + method_sep + *near + "'?";
      }
      f.fail(key_node, section,
             quoted + " names no " + std::string(lang.test_described) + " of " + sel.class_name +
                 " in the overlay" + hint);
    }
  }
  return sel;
}

void read_weights(const Fields& f, Pit& pit) {
  const YAML::Node node = f.root()["weights"];
  if (!node.IsMap()) f.fail(node, "weights", "expected a map of selector: weight");
  for (const auto& item : node) {
    const Selector sel = read_selector(f, item.first, "weights", pit);
    const double weight = f.number(item.second, "weights." + item.first.Scalar(), 0);
    pit.weights.push_back({sel.class_name, sel.method, weight});
  }
}

const std::vector<std::pair<std::string, Visibility>> kVisibilities{
    {"visible", Visibility::Visible},
    {"hidden", Visibility::Hidden},
    {"after_due_date", Visibility::AfterDueDate},
    {"after_published", Visibility::AfterPublished}};

Visibility read_visibility_value(const Fields& f, const YAML::Node& node, const std::string& key) {
  if (node.IsScalar()) {
    if (auto value = parse_visibility(node.Scalar())) return *value;
  }
  f.fail(node, key,
         "'" + (node.IsScalar() ? node.Scalar() : std::string("?")) +
             "' is not one of visible, hidden, after_due_date, after_published");
}

void read_visibility(const Fields& f, Pit& pit) {
  if (f.has("default_visibility")) {
    pit.default_visibility =
        read_visibility_value(f, f.node("default_visibility"), "default_visibility");
  }
  if (!f.has("visibility")) return;
  const YAML::Node node = f.root()["visibility"];
  if (!node.IsMap()) f.fail(node, "visibility", "expected a map of selector: visibility");
  for (const auto& item : node) {
    const Selector sel = read_selector(f, item.first, "visibility", pit);
    const Visibility v = read_visibility_value(f, item.second, "visibility." + item.first.Scalar());
    pit.visibility.push_back({sel.class_name, sel.method, v});
  }
}

// The rule of `rules` that names the test most specifically (Class#method over Class).
template <typename Rule>
const Rule* most_specific(const std::vector<Rule>& rules, const std::string& class_name,
                          const std::string& method) {
  const Rule* best = nullptr;
  for (const auto& rule : rules) {
    if (!class_matches(rule.class_name, class_name)) continue;
    if (!rule.method.empty() && rule.method != method) continue;
    if (best == nullptr || (best->method.empty() && !rule.method.empty())) best = &rule;
  }
  return best;
}

// A YAML error as a teacher can act on it: the line the mistake is on (yaml-cpp often notices it
// on the next one) and what to change, instead of the parser's words.
std::pair<int, std::string> explain_yaml_error(const std::string& text, const YAML::Exception& e) {
  const std::vector<std::string> lines = util::split(text, '\n');
  const int at = std::max(0, e.mark.line);
  const auto line = [&](int i) {
    return i >= 0 && i < static_cast<int>(lines.size()) ? lines[i] : "";
  };
  const auto indent = [](const std::string& l) { return l.find_first_not_of(' '); };
  int previous = at - 1;  // the last non-blank line above the mark
  while (previous >= 0 && util::trim(line(previous)).empty()) --previous;
  const auto unclosed = [&](char open, char close) {
    for (int i = at; i >= 0; --i) {
      const std::string l = line(i);
      if (std::count(l.begin(), l.end(), open) > std::count(l.begin(), l.end(), close)) return i;
    }
    return at;
  };
  if (e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
    return {unclosed('[', ']') + 1, "a [ list is not closed with ]"};
  }
  if (e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW) {
    return {unclosed('{', '}') + 1, "a { map is not closed with }"};
  }
  if (e.msg.rfind(YAML::ErrorMsg::TAB_IN_INDENTATION, 0) == 0) {
    return {at + 1, "a tab in the indentation: YAML indents with spaces"};
  }
  if (e.msg == YAML::ErrorMsg::END_OF_MAP) {
    return {at + 1, "the indentation of this line does not match the lines above it"};
  }
  if (e.msg == YAML::ErrorMsg::MAP_VALUE) {
    const std::string above = util::trim(line(previous));
    const bool above_is_pair = above.find(": ") != std::string::npos || above.ends_with(":") ||
                               above.starts_with("- ") || above.starts_with("#");
    if (previous >= 0 && !above_is_pair && above.find(':') != std::string::npos) {
      return {previous + 1, "'" + above + "' is not `key: value`: put a space after the colon"};
    }
    if (previous >= 0 && !above.ends_with(":") && indent(line(at)) != std::string::npos &&
        indent(line(previous)) != std::string::npos && indent(line(at)) > indent(line(previous))) {
      return {at + 1, "this line is indented deeper than the line above it"};
    }
    return {at + 1, "a value holds ': ': put the value in quotes (title: \"a: b\")"};
  }
  return {at + 1, e.msg};
}

YAML::Node read_yaml(const std::string& file_name) {
  if (!fs::is_regular_file(file_name)) throw PitError(file_name + ": not found");
  const std::string text = util::read_file(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const auto [line, reason] = explain_yaml_error(text, e);
    throw PitError(file_name + ":" + std::to_string(line) + ": invalid YAML: " + reason);
  }
  if (!root.IsMap()) throw PitError(file_name + ": expected a map of settings");
  return root;
}

// id (which names the PIT's folder too), title, language.
void read_identity(Fields& f, Pit& pit) {
  if (!f.has("id")) f.fail("id", "required");
  pit.id = f.scalar("id");
  if (!std::regex_match(pit.id, std::regex("[a-z0-9][a-z0-9_-]*"))) {
    f.fail("id", "'" + pit.id + "' must match [a-z0-9][a-z0-9_-]*");
  }
  fs::path normal = fs::absolute(pit.dir).lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();  // "pits/calculator/"
  const std::string folder_name = normal.filename().string();
  if (pit.id != folder_name) {
    f.fail("id", "'" + pit.id + "' must equal the folder name '" + folder_name + "'");
  }
  if (f.has("title")) pit.title = f.scalar("title");
  if (f.has("language")) {
    const auto language = parse_language(f.scalar("language"));
    if (!language) {
      f.fail("language", "'" + f.scalar("language") + "' is not one of " + language_names());
    }
    pit.language = *language;
  }
}

// How the job runs: build tool, time, memory, network, what student code may do.
void read_run_settings(Fields& f, const PitDefaults& defaults, Pit& pit) {
  const LanguageRules& lang = pit.rules();
  pit.build = pit.language == Language::Java ? defaults.build : lang.builds.front();
  if (f.has("build")) {
    auto tool = parse_build_tool(f.scalar("build"));
    if (!tool || std::find(lang.builds.begin(), lang.builds.end(), *tool) == lang.builds.end()) {
      std::vector<std::string> names;
      for (const auto b : lang.builds) names.push_back(to_string(b));
      f.fail("build", "'" + f.scalar("build") + "' is not one of " + util::join(names, ", ") +
                          " (language: " + std::string(lang.name) + ")");
    }
    pit.build = *tool;
  }
  pit.timeout_ms = defaults.timeout_ms;
  if (f.has("timeout_ms")) {
    pit.timeout_ms = static_cast<int>(f.integer("timeout_ms", 1000, 86400000));
  }
  pit.memory_mb = defaults.memory_mb;
  if (f.has("memory_mb")) pit.memory_mb = static_cast<int>(f.integer("memory_mb", 128, 1 << 20));
  if (f.has("network")) pit.network = f.boolean("network");
  if (f.has("build_plan")) pit.build_plan = f.boolean("build_plan");
  if (f.has("cache")) pit.cache = f.boolean("cache");
  if (f.has("student_permissions")) {
    pit.student_permissions = f.strings("student_permissions");
    for (const auto& grant : pit.student_permissions) {
      if (grant != "reflection" && grant != "files" && grant != "network") {
        f.fail("student_permissions",
               "'" + grant + "' is not one of reflection, files, network (docs/sandbox.md)");
      }
    }
  }
}

// The overlay folder, and the submission's files the PIT protects or requires.
void read_files(Fields& f, Pit& pit) {
  const std::string overlay = f.has("overlay") ? f.scalar("overlay") : "overlay";
  if (!is_relative_inside(overlay)) f.fail("overlay", "must be a folder inside the PIT");
  pit.overlay_dir = pit.dir / overlay;
  if (!fs::is_directory(pit.overlay_dir)) {
    f.fail("overlay", "folder '" + pit.overlay_dir.string() + "' does not exist");
  }
  pit.protected_globs = pit.rules().protected_globs;
  if (f.has("protected")) pit.protected_globs = f.strings("protected");
  if (f.has("required")) {
    pit.required = f.strings("required");
    for (const auto& path : pit.required) {
      if (!is_relative_inside(path)) f.fail("required", "'" + path + "' must be a relative path");
    }
  }
}

// Scores: max_score, expected_tests, default_weight (weights need the test classes: below).
void read_grading(Fields& f, Pit& pit) {
  if (f.has("max_score")) {
    pit.max_score = f.number(f.node("max_score"), "max_score", 0);
    if (*pit.max_score <= 0) f.fail("max_score", "must be greater than 0");
  }
  if (f.has("expected_tests")) {
    pit.expected_tests = static_cast<int>(f.integer("expected_tests", 1, 100000));
  }
  if (f.has("default_weight")) {
    pit.default_weight = f.number(f.node("default_weight"), "default_weight", 0);
  }
}

// The overlay's tests, the weights that name them, and the build files the PIT must bring (the
// submission's build files are never used).
void check_tests_and_build_files(Fields& f, Pit& pit) {
  const std::string overlay = pit.overlay_dir.lexically_relative(pit.dir).string();
  const LanguageRules& lang = pit.rules();
  try {
    TestInventory found = lang.discover(pit.overlay_dir, overlay);
    pit.test_classes = std::move(found.classes);
    pit.known_tests = std::move(found.tests);
  } catch (const std::invalid_argument& e) {
    f.fail("overlay", e.what());
  }
  if (pit.test_classes.empty()) {
    f.fail("overlay", "provides no " + std::string(lang.tests_described) + " (in " + overlay + ")");
  }
  if (f.has("weights")) read_weights(f, pit);
  read_visibility(f, pit);
  if (pit.build == BuildTool::Maven && !fs::exists(pit.overlay_dir / "pom.xml")) {
    f.fail("build", "maven needs " + overlay + "/pom.xml in the PIT");
  }
  if (pit.build == BuildTool::Gradle && !fs::exists(pit.overlay_dir / "build.gradle")) {
    f.fail("build", "gradle needs " + overlay + "/build.gradle in the PIT");
  }
}

}  // namespace

bool class_matches(const std::string& selector, const std::string& fqcn) {
  if (selector == fqcn) return true;
  // Python: a file by its path's tail, a class by its name; a file names its classes too.
  if (fqcn.ends_with("/" + selector) || fqcn.ends_with("::" + selector)) return true;
  const auto nested = fqcn.find("::");
  if (nested != std::string::npos && class_matches(selector, fqcn.substr(0, nested))) return true;
  return selector.find('.') == std::string::npos && fqcn.ends_with("." + selector);
}

double weight_of(const Pit& pit, const std::string& class_name, const std::string& method) {
  const WeightRule* best = most_specific(pit.weights, class_name, method);
  return best != nullptr ? best->weight : pit.default_weight;
}

Visibility visibility_of(const Pit& pit, const std::string& class_name, const std::string& method) {
  const VisibilityRule* best = most_specific(pit.visibility, class_name, method);
  return best != nullptr ? best->visibility : pit.default_visibility;
}

bool source_visible(const Pit& pit, const std::string& fqcn) {
  if (visibility_of(pit, fqcn, "") != Visibility::Visible) return false;
  return std::none_of(pit.visibility.begin(), pit.visibility.end(), [&](const auto& rule) {
    return class_matches(rule.class_name, fqcn) && rule.visibility != Visibility::Visible;
  });
}

std::vector<std::string> hidden_test_sources(const Pit& pit) {
  std::vector<std::string> files;
  for (const auto& cls : pit.test_classes) {
    if (source_visible(pit, cls)) continue;
    const std::string file = pit.rules().source_of(cls);
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  }
  return files;
}

std::optional<Visibility> parse_visibility(std::string_view name) {
  for (const auto& [text, value] : kVisibilities) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string to_string(Visibility visibility) {
  for (const auto& [name, value] : kVisibilities) {
    if (value == visibility) return name;
  }
  return "visible";
}

Pit load_pit(const fs::path& dir, const PitDefaults& defaults) {
  // Before reading: a file edited while loading gives a key of the older files, never a verdict
  // of older files under the newer key.
  const std::string files_digest = fs::is_directory(dir) ? util::tree_sha256_hex(dir) : "";
  const std::string file_name = (dir / "pit.yaml").string();
  const YAML::Node root = read_yaml(file_name);
  Fields f(root, file_name);
  for (const auto& item : root) {
    if (!kKnownKeys.count(item.first.Scalar())) {
      const auto near = util::closest(item.first.Scalar(), {kKnownKeys.begin(), kKnownKeys.end()});
      f.fail(item.first, item.first.Scalar(),
             "unknown key" + (near ? "; did you mean '" + *near + "'?" : std::string()));
    }
  }
  Pit pit;
  pit.dir = dir;
  read_identity(f, pit);
  read_run_settings(f, defaults, pit);
  read_files(f, pit);
  read_grading(f, pit);
  check_tests_and_build_files(f, pit);
  pit.files_digest = files_digest;
  return pit;
}

}  // namespace runner::pit
