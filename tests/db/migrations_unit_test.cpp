// The migrations embedded at build time from db/migrations.
#include <gtest/gtest.h>

#include <string>

#include "db/migrations.hpp"
#include "schema_sql.hpp"

namespace runner::db {
namespace {

TEST(Migrations, AreEmbeddedInVersionOrder) {
  const auto all = migrations();
  ASSERT_GE(all.size(), 2u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
    EXPECT_NE(std::string(all[i].sql).find("submissions"), std::string::npos) << all[i].name;
  }
  EXPECT_STREQ(all[0].name, "001_initial");
  EXPECT_STREQ(all[1].name, "002_leases");
  EXPECT_NE(std::string(all[1].sql).find("ADD COLUMN IF NOT EXISTS lease_token"),
            std::string::npos);
  ASSERT_GE(all.size(), 3u);
  EXPECT_STREQ(all[2].name, "003_verdict_cache");
  EXPECT_EQ(latest_schema_version(), static_cast<int>(all.size()));
}

TEST(Migrations, FullSchemaScriptRecordsEveryVersion) {
  const std::string& sql = kSchemaSql;
  EXPECT_EQ(sql.rfind("CREATE TABLE IF NOT EXISTS schema_migrations", 0), 0u);
  for (const auto& m : migrations()) {
    EXPECT_NE(sql.find(m.sql), std::string::npos) << m.name;
    EXPECT_NE(sql.find("VALUES (" + std::to_string(m.version) + ", '" + m.name + "')"),
              std::string::npos)
        << m.name;
  }
}

}  // namespace
}  // namespace runner::db
