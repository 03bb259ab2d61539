// The verdict cache table (db/migrations/003_verdict_cache.sql) against real PostgreSQL: what one
// worker keeps another reads, the first verdict for a key stays, and a cache whose table is
// missing fails loudly (the grading core then grades without it).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "db/submissions.hpp"
#include "support/database.hpp"

namespace runner::db {
namespace {

TEST(VerdictCacheTable, WhatOneWorkerKeepsAnotherReadsAndTheFirstStays) {
  const std::string url = testing::fresh_database();
  Submissions a(url);
  a.migrate();
  Submissions b(url);  // another worker: its own connection
  EXPECT_EQ(b.cached_verdict("k1"), std::nullopt);
  a.keep_verdict("k1", "calc", R"({"status":"COMPLETED","score":10,"tests":[]})");
  a.keep_verdict("k1", "calc", R"({"status":"BUILD_FAILED"})");
  const auto stored = b.cached_verdict("k1");
  ASSERT_TRUE(stored.has_value());
  const auto json = nlohmann::json::parse(*stored);
  EXPECT_EQ(json["status"], "COMPLETED");
  EXPECT_EQ(json["score"], 10);
  EXPECT_EQ(b.cached_verdict("k2"), std::nullopt);
  pqxx::connection admin(url);
  EXPECT_EQ(
      testing::value(admin, "SELECT pit_id || ' ' || count(*) FROM verdict_cache GROUP BY pit_id"),
      "calc 1");
}

TEST(VerdictCacheTable, AMissingTableThrows) {
  const std::string url = testing::fresh_database();
  Submissions db(url);
  EXPECT_THROW(db.cached_verdict("k"), DbError);
  EXPECT_THROW(db.keep_verdict("k", "calc", "{}"), DbError);
}

}  // namespace
}  // namespace runner::db
