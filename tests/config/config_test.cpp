// Configuration (README, "Configuration"): defaults, validation messages, .env layering, masking.
#include <gtest/gtest.h>

#include "config/banner.hpp"
#include "config/environment.hpp"
#include "config/settings.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::config {
namespace {

Environment service_env() {
  return {{"AWS_REGION", "eu-south-2"},
          {"AWS_S3_BUCKET", "bucket"},
          {"AWS_SQS_QUEUE_URL", "https://sqs.eu-south-2.amazonaws.com/1/q"},
          {"DATABASE_URL", "postgresql://runner:s3cr3t@db:5432/runner"}};
}

TEST(Settings, DefaultsMatchTheReadme) {
  const auto r = load_settings({}, Purpose::Grade);
  EXPECT_TRUE(r.problems.empty());
  const Settings& s = r.settings;
  EXPECT_EQ(s.poll_interval_ms, 20000);
  EXPECT_EQ(s.timeout_ms, 120000);
  EXPECT_EQ(s.max_log_bytes, 200000);
  EXPECT_EQ(s.jdk_version, 17);
  EXPECT_EQ(s.build_tool, pit::BuildTool::Maven);
  EXPECT_EQ(s.pits_dir, "./pits");
  EXPECT_EQ(s.concurrency, 1);
  EXPECT_EQ(s.max_attempts, 3);
  EXPECT_EQ(s.memory_mb, 1024);
  EXPECT_EQ(s.sandbox, sandbox::Level::Auto);
  EXPECT_EQ(s.http_port, 8080);
  EXPECT_EQ(s.results_prefix, "results/");
  EXPECT_EQ(s.shutdown_grace_ms, 25000);
  EXPECT_EQ(s.max_files, 10000);
  EXPECT_EQ(s.max_unzipped_bytes, 200LL << 20);
  EXPECT_EQ(s.max_zip_bytes, 50LL << 20);
  EXPECT_EQ(s.work_dir, std::filesystem::temp_directory_path());
  EXPECT_EQ(s.uid_base, 200000);
}

// RUNNER_UID_BASE: the first of the 512 host uids of the job slots. Nonsense, system uids,
// ranges past 2^31 and ranges over nobody (65534) are refused, each with the reason.
TEST(Settings, UidBaseIsValidated) {
  EXPECT_EQ(load_settings({{"RUNNER_UID_BASE", "300000"}}, Purpose::Grade).settings.uid_base,
            300000);
  EXPECT_EQ(load_settings({{"RUNNER_UID_BASE", "1000"}}, Purpose::Grade).settings.uid_base, 1000);
  EXPECT_EQ(load_settings({{"RUNNER_UID_BASE", "65022"}}, Purpose::Grade).settings.uid_base, 65022);
  EXPECT_EQ(load_settings({{"RUNNER_UID_BASE", "65536"}}, Purpose::Grade).settings.uid_base, 65536);
  EXPECT_EQ(load_settings({{"RUNNER_UID_BASE", "2147483136"}}, Purpose::Grade).settings.uid_base,
            2147483136);
  const std::string range =
      "is not an integer in [1000, 2147483136] (the first of the 512 host uids of the job slots)";
  for (const char* bad : {"abc", "-5", "0", "999", "2147483137", "4294967295", "1e6"}) {
    const auto r = load_settings({{"RUNNER_UID_BASE", bad}}, Purpose::Grade);
    ASSERT_EQ(r.problems.invalid.size(), 1u) << bad;
    EXPECT_EQ(r.problems.invalid[0], "RUNNER_UID_BASE: '" + std::string(bad) + "' " + range);
    EXPECT_EQ(r.settings.uid_base, 200000);
  }
  for (const char* bad : {"65023", "65200", "65535"}) {
    const auto r = load_settings({{"RUNNER_UID_BASE", bad}}, Purpose::Grade);
    ASSERT_EQ(r.problems.invalid.size(), 1u) << bad;
    EXPECT_NE(r.problems.invalid[0].find("over 65534 (nobody) and 65535; choose a base at most "
                                         "65022 or at least 65536"),
              std::string::npos)
        << r.problems.invalid[0];
  }
  EXPECT_EQ(
      load_settings({{"RUNNER_UID_BASE", "65023"}}, Purpose::Grade).problems.invalid[0],
      "RUNNER_UID_BASE: '65023' puts the slot uids 65023..65534 over 65534 (nobody) and 65535; "
      "choose a base at most 65022 or at least 65536");
}

TEST(Settings, BannerShowsTheSlotUids) {
  const auto r = load_settings({{"RUNNER_UID_BASE", "300000"}}, Purpose::Grade);
  const std::string banner = describe_settings(r.settings, "none");
  const auto at = banner.find("Slot uids:");
  ASSERT_NE(at, std::string::npos) << banner;
  const std::string line = banner.substr(at, banner.find('\n', at) - at);
  EXPECT_NE(line.find("300000..300511"), std::string::npos) << line;
}

TEST(Settings, GradeNeedsNoCloudConfiguration) {
  EXPECT_TRUE(load_settings({}, Purpose::Grade).problems.empty());
}

TEST(Settings, ServiceListsExactlyWhatIsMissing) {
  Environment env = service_env();
  env.erase("AWS_SQS_QUEUE_URL");
  env.erase("DATABASE_URL");
  env["DB_HOST"] = "db";  // incomplete DB_* set
  const auto r = load_settings(env, Purpose::Service);
  EXPECT_EQ(format_problems(r.problems),
            "✗ Configuration validation failed:\n"
            "Missing required environment variables:\n"
            "  - AWS_SQS_QUEUE_URL\n"
            "  - DATABASE_URL or (DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, DB_NAME)\n"
            "\n"
            "Please check your .env file or environment configuration.\n");
}

TEST(Settings, InvalidValuesGetTheirOwnSection) {
  Environment env = service_env();
  env["RUNNER_TIMEOUT_MS"] = "abc";
  env["RUNNER_SANDBOX"] = "paranoid";
  env.erase("AWS_REGION");
  const auto r = load_settings(env, Purpose::Service);
  EXPECT_EQ(r.problems.missing, std::vector<std::string>{"AWS_REGION"});
  ASSERT_EQ(r.problems.invalid.size(), 2u);
  EXPECT_EQ(r.problems.invalid[0],
            "RUNNER_TIMEOUT_MS: 'abc' is not an integer in [1000, 86400000]");
  EXPECT_EQ(r.problems.invalid[1],
            "RUNNER_SANDBOX: 'paranoid' is not one of auto, full, basic, none");
  const std::string text = format_problems(r.problems);
  EXPECT_NE(text.find("\nInvalid environment variables:\n  - RUNNER_TIMEOUT_MS"),
            std::string::npos);
}

TEST(Settings, DatabasePartsBuildAUrl) {
  Environment env = service_env();
  env.erase("DATABASE_URL");
  env.insert({{"DB_HOST", "db"},
              {"DB_PORT", "5432"},
              {"DB_USERNAME", "u"},
              {"DB_PASSWORD", "p@ss"},
              {"DB_NAME", "n"}});
  const auto r = load_settings(env, Purpose::Service);
  EXPECT_TRUE(r.problems.empty());
  // Keyword/value, each value quoted: a password with @ / % : cannot break a URL.
  EXPECT_EQ(r.settings.database_url, "host='db' port='5432' user='u' password='p@ss' dbname='n'");
}

TEST(Settings, PollIntervalIsCappedAtTwentySeconds) {
  EXPECT_EQ(load_settings({{"RUNNER_POLL_INTERVAL_MS", "60000"}}, Purpose::Grade)
                .settings.poll_interval_ms,
            20000);
  EXPECT_EQ(
      load_settings({{"RUNNER_POLL_INTERVAL_MS", "500"}}, Purpose::Grade).settings.poll_interval_ms,
      500);
}

TEST(Settings, BannerNeverShowsSecrets) {
  Environment env = service_env();
  env["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG";
  env["AWS_SESSION_TOKEN"] = "FwoGZXIvYXdzEJr";
  const auto r = load_settings(env, Purpose::Service);
  const std::string banner = describe_settings(r.settings, "none");
  EXPECT_EQ(banner.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(banner.find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_EQ(banner.find("FwoGZXIvYXdzEJr"), std::string::npos);
  EXPECT_NE(banner.find("postgresql://runner:****@db:5432/runner"), std::string::npos);
  EXPECT_NE(banner.find("eu-south-2"), std::string::npos);
}

TEST(Settings, MasksPasswordsInBothUrlForms) {
  EXPECT_EQ(mask_database_url("postgres://u:pw@h/db"), "postgres://u:****@h/db");
  EXPECT_EQ(mask_database_url("postgres://h/db"), "postgres://h/db");
  EXPECT_EQ(mask_database_url("host=h password=pw dbname=d"), "host=h password=**** dbname=d");
}

TEST(Dotenv, ParsesQuotesCommentsAndExport) {
  const auto r = parse_dotenv(
      "# comment\n"
      "export A=1\n"
      "B = two words # trailing comment\n"
      "C=\"quoted # not a comment\\nline2\"\n"
      "D='single $x'\n"
      "\n"
      "E=\n");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.values.at("A"), "1");
  EXPECT_EQ(r.values.at("B"), "two words");
  EXPECT_EQ(r.values.at("C"), "quoted # not a comment\nline2");
  EXPECT_EQ(r.values.at("D"), "single $x");
  EXPECT_EQ(r.values.at("E"), "");
}

TEST(Dotenv, ReportsMalformedLines) {
  const auto r = parse_dotenv("GOOD=1\nnot a line\nBAD=\"open\n1X=2\n");
  EXPECT_EQ(r.errors, (std::vector<std::string>{"line 2: expected KEY=VALUE",
                                                "line 3: unterminated quote in BAD",
                                                "line 4: expected KEY=VALUE"}));
  EXPECT_EQ(r.values.at("GOOD"), "1");
}

TEST(Dotenv, RealEnvironmentWins) {
  runner::testing::TempDir tmp;
  util::write_file(tmp / ".env", "RUNNER_TIMEOUT_MS=5000\nRUNNER_MEMORY_MB=512\n");
  const auto loaded = layer_dotenv({{"RUNNER_TIMEOUT_MS", "9000"}}, tmp / ".env");
  EXPECT_EQ(loaded.values.at("RUNNER_TIMEOUT_MS"), "9000");
  EXPECT_EQ(loaded.values.at("RUNNER_MEMORY_MB"), "512");
  EXPECT_TRUE(layer_dotenv({}, tmp / "missing.env").values.empty());
}

}  // namespace
}  // namespace runner::config
