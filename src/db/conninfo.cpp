#include "db/conninfo.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <regex>
#include <set>
#include <stdexcept>

namespace runner::db {

namespace {

struct Default {
  const char* keyword;
  const char* value;
};

// Fail fast on an unreachable server, notice a dead peer within about a minute, and never let
// a statement, a lock wait or a forgotten transaction hold a slot for long.
constexpr Default kDefaults[] = {
    {"connect_timeout", "10"},
    {"keepalives", "1"},
    {"keepalives_idle", "30"},
    {"keepalives_interval", "10"},
    {"keepalives_count", "3"},
    {"application_name", "runner"},
    {"options",
     "-c statement_timeout=30000 -c lock_timeout=10000 -c "
     "idle_in_transaction_session_timeout=60000"},
};

// libpq quotes the offending token ("p%zz"); it may be part of a password.
std::string elide_fragments(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  static const std::regex quoted("\"[^\"]+\"");
  std::string out;
  auto it = std::sregex_iterator(message.begin(), message.end(), quoted);
  std::size_t last = 0;
  for (; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out += message.substr(last, static_cast<std::size_t>(m.position()) - last);
    out += m.str() == "\"=\"" ? m.str() : "\"…\"";
    last = static_cast<std::size_t>(m.position() + m.length());
  }
  return out + message.substr(last);
}

}  // namespace

std::string quote_conninfo_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string conninfo_from_parts(const std::string& host, const std::string& port,
                                const std::string& user, const std::string& password,
                                const std::string& dbname) {
  return "host=" + quote_conninfo_value(host) + " port=" + quote_conninfo_value(port) +
         " user=" + quote_conninfo_value(user) + " password=" + quote_conninfo_value(password) +
         " dbname=" + quote_conninfo_value(dbname);
}

std::string connection_string(const std::string& url_or_conninfo) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(url_or_conninfo.c_str(), &error), &PQconninfoFree);
  if (!options) {
    const std::string reason = error != nullptr ? error : "out of memory";
    if (error != nullptr) PQfreemem(error);
    throw std::invalid_argument(elide_fragments(reason));
  }
  std::string out;
  std::set<std::string> given;
  std::set<std::string> from_environment;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr) {
      out +=
          (out.empty() ? "" : " ") + std::string(o->keyword) + "=" + quote_conninfo_value(o->val);
      given.insert(o->keyword);
    } else if (o->envvar != nullptr) {
      const char* env = std::getenv(o->envvar);
      if (env != nullptr && *env != '\0') from_environment.insert(o->keyword);
    }
  }
  for (const auto& d : kDefaults) {
    if (given.count(d.keyword) != 0 || from_environment.count(d.keyword) != 0) continue;
    out += (out.empty() ? "" : " ") + std::string(d.keyword) + "=" + quote_conninfo_value(d.value);
  }
  return out;
}

}  // namespace runner::db
