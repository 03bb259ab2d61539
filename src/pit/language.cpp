#include "pit/language.hpp"

namespace runner::pit {

const LanguageRules& rules(Language language) {
  return language == Language::Python ? python_rules() : java_rules();
}

std::optional<Language> parse_language(std::string_view name) {
  for (const Language l : {Language::Java, Language::Python}) {
    if (rules(l).name == name) return l;
  }
  return std::nullopt;
}

std::string language_names() {
  return std::string(java_rules().name) + ", " + std::string(python_rules().name);
}

}  // namespace runner::pit
