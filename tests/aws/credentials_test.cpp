// Local credential sources (environment, shared files), the credentials JSON of the remote
// sources, and the chain's order and caching, without any network.
#include "aws/credentials.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "aws/error.hpp"
#include "aws/ini.hpp"

namespace runner::aws {
namespace {

class Files : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "aws-creds-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    auto p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST(Ini, SectionsCommentsAndNestedKeys) {
  IniFile f = parse_ini(
      "# comment\n[default]\naws_access_key_id = AKID \n; other comment\n"
      "aws_secret_access_key=se=cret\ns3 =\n  addressing_style = path\n"
      "region = eu-south-2\n[profile  dev ]\nregion=us-west-2\r\n");
  EXPECT_EQ(f["default"]["aws_access_key_id"], "AKID");
  EXPECT_EQ(f["default"]["aws_secret_access_key"], "se=cret");
  EXPECT_EQ(f["default"]["region"], "eu-south-2");
  EXPECT_EQ(f["default"].count("addressing_style"), 0u);
  EXPECT_EQ(f["profile  dev"]["region"], "us-west-2");
}

TEST(EnvCredentials, NeedBothKeys) {
  auto c = credentials_from_env(
      {{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "S"}, {"AWS_SESSION_TOKEN", "T"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "AKID");
  EXPECT_EQ(c->session_token, "T");
  EXPECT_FALSE(c->expiration);
  EXPECT_FALSE(credentials_from_env({{"AWS_ACCESS_KEY_ID", "AKID"}}));
  EXPECT_FALSE(
      credentials_from_env({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", ""}}));
}

TEST_F(Files, ProfileFromCredentialsFileWinsOverConfigFile) {
  Env env = {{"AWS_SHARED_CREDENTIALS_FILE",
              write("creds",
                    "[default]\naws_access_key_id=A1\naws_secret_access_key=S1\n"
                    "[dev]\naws_access_key_id=A2\naws_secret_access_key=S2\n"
                    "aws_session_token=T2\n")},
             {"AWS_CONFIG_FILE", write("config",
                                       "[profile dev]\naws_access_key_id=C2\n"
                                       "aws_secret_access_key=CS2\nregion=eu-south-2\n"
                                       "[profile cfgonly]\naws_access_key_id=C3\n"
                                       "aws_secret_access_key=CS3\n")}};
  EXPECT_EQ(credentials_from_profile(env)->access_key_id, "A1");
  env["AWS_PROFILE"] = "dev";
  auto dev = credentials_from_profile(env);
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->access_key_id, "A2");
  EXPECT_EQ(dev->session_token, "T2");
  EXPECT_EQ(dev->source, "profile dev");
  EXPECT_EQ(region_from_profile(env), "eu-south-2");
  env["AWS_PROFILE"] = "cfgonly";
  EXPECT_EQ(credentials_from_profile(env)->access_key_id, "C3");
  env["AWS_PROFILE"] = "absent";
  EXPECT_FALSE(credentials_from_profile(env));
}

TEST_F(Files, DefaultFilesUnderHome) {
  write(".aws/credentials", "[default]\naws_access_key_id=H1\naws_secret_access_key=HS\n");
  write(".aws/config", "[default]\nregion=eu-south-2\n");
  Env env = {{"HOME", dir_.string()}};
  EXPECT_EQ(credentials_from_profile(env)->access_key_id, "H1");
  EXPECT_EQ(region_from_profile(env), "eu-south-2");
  EXPECT_FALSE(credentials_from_profile({{"HOME", (dir_ / "nowhere").string()}}));
}

TEST(CredentialsJson, ParsesTemporaryCredentials) {
  Credentials c = parse_credentials_json(
      R"({"AccessKeyId":"ASIA1","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-02T03:04:05Z"})",
      "container");
  EXPECT_EQ(c.access_key_id, "ASIA1");
  EXPECT_EQ(c.session_token, "T");
  ASSERT_TRUE(c.expiration);
  EXPECT_EQ(amz_date(*c.expiration), "20300102T030405Z");
  EXPECT_EQ(c.source, "container");
}

TEST(CredentialsJson, RejectsFailuresAndGarbage) {
  EXPECT_THROW(
      parse_credentials_json(R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"no"})", "imds"),
      std::runtime_error);
  EXPECT_THROW(parse_credentials_json(R"({"AccessKeyId":"A"})", "imds"), std::runtime_error);
  EXPECT_THROW(parse_credentials_json("<html>", "imds"), std::runtime_error);
  EXPECT_THROW(parse_credentials_json(
                   R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"})", "imds"),
               std::runtime_error);
}

TEST_F(Files, ChainOrderEnvironmentThenProfile) {
  Env env = {{"AWS_SHARED_CREDENTIALS_FILE",
              write("creds", "[default]\naws_access_key_id=P1\naws_secret_access_key=PS\n")},
             {"AWS_EC2_METADATA_DISABLED", "true"},
             {"HOME", dir_.string()}};
  EXPECT_EQ(DefaultCredentialsChain(env).get().access_key_id, "P1");
  env["AWS_ACCESS_KEY_ID"] = "E1";
  env["AWS_SECRET_ACCESS_KEY"] = "ES";
  Credentials c = DefaultCredentialsChain(env).get();
  EXPECT_EQ(c.access_key_id, "E1");
  EXPECT_EQ(c.source, "environment");
}

TEST_F(Files, ChainFailsClearlyForAMissingNamedProfile) {
  Env env = {{"AWS_PROFILE", "prod"},
             {"AWS_SHARED_CREDENTIALS_FILE", write("creds", "[default]\n")},
             {"AWS_CONFIG_FILE", (dir_ / "none").string()},
             // Would be tried next if a missing named profile fell through; it must not be.
             {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds"}};
  try {
    DefaultCredentialsChain(env).get();
    FAIL() << "expected an error";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "NoCredentials");
    EXPECT_NE(std::string(e.what()).find("profile 'prod'"), std::string::npos) << e.what();
  }
}

TEST_F(Files, ChainWithNothingNamesEverySourceTried) {
  Env env = {{"HOME", dir_.string()}, {"AWS_EC2_METADATA_DISABLED", "true"}};
  try {
    DefaultCredentialsChain(env).get();
    FAIL() << "expected an error";
  } catch (const AwsError& e) {
    std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos);
    for (const char* part :
         {"environment", "profile 'default'", "container", "instance metadata"}) {
      EXPECT_NE(what.find(part), std::string::npos) << part << " in " << what;
    }
  }
}

}  // namespace
}  // namespace runner::aws
