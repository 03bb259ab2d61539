#include "config/settings.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <stdexcept>

#include "db/conninfo.hpp"
#include "util/text.hpp"

namespace runner::config {

namespace {

// Reads variables from the environment, collecting every problem instead of stopping at one.
class Reader {
 public:
  Reader(const Environment& env, Problems& problems) : env_(env), problems_(problems) {}

  std::string text(const std::string& name) const {
    auto it = env_.find(name);
    return it == env_.end() ? std::string() : util::trim(it->second);
  }

  void required(const std::string& name, std::string& out) {
    out = text(name);
    if (out.empty()) problems_.missing.push_back(name);
  }

  template <typename Int>
  void integer(const std::string& name, Int& out, long long min, long long max) {
    const std::string raw = text(name);
    if (raw.empty()) return;
    if (auto v = util::parse_int(raw, min, max)) {
      out = static_cast<Int>(*v);
    } else {
      invalid(name, "'" + raw + "' is not an integer in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "]");
    }
  }

  void boolean(const std::string& name, bool& out) {
    const std::string raw = text(name);
    if (raw.empty()) return;
    if (auto v = util::parse_bool(raw)) {
      out = *v;
    } else {
      invalid(name, "'" + raw + "' is not true or false");
    }
  }

  template <typename Enum>
  void choice(const std::string& name, Enum& out,
              const std::vector<std::pair<std::string, Enum>>& options) {
    const std::string raw = text(name);
    if (raw.empty()) return;
    std::string names;
    for (const auto& [label, value] : options) {
      if (raw == label) {
        out = value;
        return;
      }
      names += (names.empty() ? "" : ", ") + label;
    }
    invalid(name, "'" + raw + "' is not one of " + names);
  }

  void invalid(const std::string& name, const std::string& reason) {
    problems_.invalid.push_back(name + ": " + reason);
  }

 private:
  const Environment& env_;
  Problems& problems_;
};

// RUNNER_UID_BASE: the range [base, base + kUidRangeSize) must be ordinary uids, away from the
// system accounts and from nobody/nogroup (65534) and 65535 (the 16-bit "no uid"), which other
// programs run as: killing "every process of the slot uid" would kill theirs.
void read_uid_base(Reader& r, Settings& s) {
  const std::string name = "RUNNER_UID_BASE";
  const std::string raw = r.text(name);
  if (raw.empty()) return;
  const auto base = util::parse_int(raw, kMinUidBase, kMaxUidBase);
  if (!base) {
    r.invalid(name, "'" + raw + "' is not an integer in [" + std::to_string(kMinUidBase) + ", " +
                        std::to_string(kMaxUidBase) + "] (the first of the " +
                        std::to_string(kUidRangeSize) + " host uids of the job slots)");
    return;
  }
  const std::int64_t last = *base + kUidRangeSize - 1;
  if (*base <= 65535 && last >= 65534) {
    r.invalid(name, "'" + raw + "' puts the slot uids " + raw + ".." + std::to_string(last) +
                        " over 65534 (nobody) and 65535; choose a base at most " +
                        std::to_string(65534 - kUidRangeSize) + " or at least 65536");
    return;
  }
  s.uid_base = *base;
}

struct DatabaseParts {
  std::string host, port, username, password, name;
};

// DATABASE_URL as given (a URL or a keyword/value string: libpq parses it), or the DB_* parts
// as a keyword/value string with every value quoted, so any password works. Either way
// db::Submissions adds the connection defaults (db::connection_string).
void read_database(Reader& r, Settings& s, Purpose purpose, Problems& problems) {
  s.database_url = r.text("DATABASE_URL");
  if (!s.database_url.empty()) {
    try {
      db::connection_string(s.database_url);
    } catch (const std::invalid_argument& e) {
      r.invalid("DATABASE_URL",
                std::string("not a PostgreSQL URL or keyword/value string: ") + e.what());
    }
    return;
  }
  const DatabaseParts parts{r.text("DB_HOST"), r.text("DB_PORT"), r.text("DB_USERNAME"),
                            r.text("DB_PASSWORD"), r.text("DB_NAME")};
  const bool complete = !parts.host.empty() && !parts.port.empty() && !parts.username.empty() &&
                        !parts.password.empty() && !parts.name.empty();
  if (!complete) {
    if (purpose == Purpose::Service) {
      problems.missing.push_back(
          "DATABASE_URL or (DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, DB_NAME)");
    }
    return;
  }
  if (!util::parse_int(parts.port, 1, 65535)) {
    r.invalid("DB_PORT", "'" + parts.port + "' is not a port number");
  }
  s.database_url =
      db::conninfo_from_parts(parts.host, parts.port, parts.username, parts.password, parts.name);
}

// The XDG base-directory rule for caches, then a folder beside the job folders.
std::filesystem::path default_cache_dir(const Reader& r, const std::filesystem::path& work_dir) {
  if (const auto xdg = r.text("XDG_CACHE_HOME"); !xdg.empty() && xdg.front() == '/') {
    return std::filesystem::path(xdg) / "runner";
  }
  if (const auto home = r.text("HOME"); !home.empty() && home.front() == '/') {
    return std::filesystem::path(home) / ".cache/runner";
  }
  return work_dir / "runner-cache";
}

}  // namespace

LoadResult load_settings(const Environment& env, Purpose purpose) {
  LoadResult result;
  Settings& s = result.settings;
  Reader r(env, result.problems);

  if (purpose == Purpose::Service) {
    std::string region;  // the AWS client reads it (Settings::aws), but the service needs it set
    r.required("AWS_REGION", region);
    r.required("AWS_S3_BUCKET", s.s3_bucket);
    r.required("AWS_SQS_QUEUE_URL", s.sqs_queue_url);
  } else {
    s.s3_bucket = r.text("AWS_S3_BUCKET");
    s.sqs_queue_url = r.text("AWS_SQS_QUEUE_URL");
  }
  read_database(r, s, purpose, result.problems);

  r.integer("RUNNER_POLL_INTERVAL_MS", s.poll_interval_ms, 0, 3600000);
  s.poll_interval_ms = std::min(s.poll_interval_ms, 20000);  // SQS long polls last 20 s at most
  r.integer("RUNNER_TIMEOUT_MS", s.timeout_ms, 1000, 86400000);
  r.integer("RUNNER_MAX_LOG_BYTES", s.max_log_bytes, 1024, 1LL << 32);
  r.integer("JDK_VERSION", s.jdk_version, 8, 99);
  r.choice("BUILD_TOOL", s.build_tool,
           {{"maven", pit::BuildTool::Maven},
            {"gradle", pit::BuildTool::Gradle},
            {"javac", pit::BuildTool::Javac}});
  if (auto dir = r.text("RUNNER_PITS_DIR"); !dir.empty()) s.pits_dir = dir;
  s.work_dir = r.text("RUNNER_WORK_DIR");
  if (s.work_dir.empty()) s.work_dir = std::filesystem::temp_directory_path();
  s.cache_dir = r.text("RUNNER_CACHE_DIR");
  if (s.cache_dir.empty()) s.cache_dir = default_cache_dir(r, s.work_dir);
  r.boolean("RUNNER_VERDICT_CACHE", s.verdict_cache);
  r.integer("RUNNER_MEMORY_MB", s.memory_mb, 128, 1 << 20);
  r.choice("RUNNER_SANDBOX", s.sandbox,
           {{"auto", sandbox::Level::Auto},
            {"full", sandbox::Level::Full},
            {"basic", sandbox::Level::Basic},
            {"none", sandbox::Level::None}});
  read_uid_base(r, s);
  r.integer("RUNNER_MAX_FILES", s.max_files, 1, 10000000);
  r.integer("RUNNER_MAX_UNZIPPED_BYTES", s.max_unzipped_bytes, 1, 1LL << 40);
  r.integer("RUNNER_MAX_ZIP_BYTES", s.max_zip_bytes, 1, 1LL << 40);

  r.integer("RUNNER_CONCURRENCY", s.concurrency, 1, kMaxConcurrency);
  r.integer("RUNNER_MAX_ATTEMPTS", s.max_attempts, 1, 100);
  r.integer("RUNNER_HTTP_PORT", s.http_port, 0, 65535);
  if (auto prefix = r.text("RUNNER_RESULTS_PREFIX"); !prefix.empty()) s.results_prefix = prefix;
  r.choice("RUNNER_LOG_FORMAT", s.log_format,
           {{"text", LogFormat::Text}, {"json", LogFormat::Json}});
  r.integer("RUNNER_SHUTDOWN_GRACE_MS", s.shutdown_grace_ms, 0, 3600000);

  // The AWS client's own variables (endpoints, path style, retries, CA bundle, proxy) have one
  // parser, the client's.
  if (purpose == Purpose::Service) {
    try {
      s.aws = aws::ClientConfig::from_env(env);
    } catch (const std::invalid_argument& e) {
      result.problems.invalid.push_back(e.what());
    }
  }
  return result;
}

std::string format_problems(const Problems& problems) {
  std::string out = "✗ Configuration validation failed:\n";
  if (!problems.missing.empty()) {
    out += "Missing required environment variables:\n";
    for (const auto& name : problems.missing) out += "  - " + name + "\n";
  }
  if (!problems.invalid.empty()) {
    if (!problems.missing.empty()) out += "\n";
    out += "Invalid environment variables:\n";
    for (const auto& entry : problems.invalid) out += "  - " + entry + "\n";
  }
  out += "\nPlease check your .env file or environment configuration.\n";
  return out;
}

std::string problems_in_one_line(const Problems& problems) {
  std::string out = "configuration invalid:";
  if (!problems.missing.empty()) out += " missing " + util::join(problems.missing, ", ");
  if (!problems.missing.empty() && !problems.invalid.empty()) out += ";";
  if (!problems.invalid.empty()) out += " invalid " + util::join(problems.invalid, "; ");
  return out;
}

std::string mask_database_url(const std::string& url) {
  // URL form: scheme://user:password@host... (up to the last '@': a password may hold a raw
  // one), and a password=... query parameter.
  static const std::regex url_form(R"(^[a-z][a-z0-9+.-]*://)", std::regex::icase);
  if (std::regex_search(url, url_form)) {
    static const std::regex userinfo(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*:).*@)");
    static const std::regex query(R"(([?&]password=)[^&]*)");
    std::string out =
        std::regex_replace(url, userinfo, "$1****@", std::regex_constants::format_first_only);
    return std::regex_replace(out, query, "$1****");
  }
  // Keyword form: password=secret, password = 'it\'s secret' (libpq's quoting).
  std::string out;
  std::size_t i = 0;
  const auto space = [&](std::size_t at) {
    return at < url.size() && std::isspace(static_cast<unsigned char>(url[at]));
  };
  while (i < url.size()) {
    const std::size_t start = i;
    while (space(i)) ++i;
    std::size_t key_end = i;
    while (key_end < url.size() && url[key_end] != '=' && !space(key_end)) ++key_end;
    const std::string key = url.substr(i, key_end - i);
    std::size_t j = key_end;
    while (space(j)) ++j;
    if (j >= url.size() || url[j] != '=') {  // not keyword=value: keep the rest as it is
      out += url.substr(start);
      break;
    }
    ++j;
    while (space(j)) ++j;
    std::size_t value_end = j;
    if (value_end < url.size() && url[value_end] == '\'') {
      ++value_end;
      while (value_end < url.size() && url[value_end] != '\'') {
        value_end += url[value_end] == '\\' ? 2 : 1;
      }
      value_end = std::min(value_end + 1, url.size());
    } else {
      while (value_end < url.size() && !space(value_end)) {
        value_end += url[value_end] == '\\' ? 2 : 1;
      }
      value_end = std::min(value_end, url.size());
    }
    out += url.substr(start, j - start);
    out += key == "password" ? "****" : url.substr(j, value_end - j);
    i = value_end;
  }
  return out;
}

}  // namespace runner::config
