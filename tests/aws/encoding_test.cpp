// URI encoding, URLs, timestamps and hashes: the building blocks the signature depends on.
#include <gtest/gtest.h>

#include "aws/time_format.hpp"
#include "aws/uri_encode.hpp"
#include "aws/url.hpp"
#include "util/crypto.hpp"

namespace runner::aws {
namespace {

TEST(UriEncode, UnreservedStayOthersBecomeUpperHex) {
  EXPECT_EQ(uri_encode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b+c", false), "a%20b%2Bc");  // space is %20, never '+'
  EXPECT_EQ(uri_encode("=&?#%*!'()", false), "%3D%26%3F%23%25%2A%21%27%28%29");
  EXPECT_EQ(uri_encode("\xC3\xA9", false), "%C3%A9");  // é, byte by byte
}

TEST(UriEncode, SlashKeptOnlyWhenAsked) {
  EXPECT_EQ(uri_encode("dir/sub dir/f~1+2.txt", true), "dir/sub%20dir/f~1%2B2.txt");
  EXPECT_EQ(uri_encode("dir/f", false), "dir%2Ff");
  EXPECT_EQ(uri_encode("//a//", true), "//a//");
}

TEST(UriEncode, DecodeRoundTripsAndKeepsMalformed) {
  std::string raw = "k\xE1\x88\xB4 +/~%";
  EXPECT_EQ(uri_decode(uri_encode(raw, false)), raw);
  EXPECT_EQ(uri_decode("a+b%2"), "a+b%2");
  EXPECT_EQ(uri_decode("%zz%41"), "%zzA");
}

TEST(CanonicalQuery, SortedByEncodedNameThenValue) {
  QueryParams q = {{"b", "2"}, {"a", "z"}, {"a", "y"}, {"A", "1"}, {"c d", ""}, {"~", "+"}};
  EXPECT_EQ(canonical_query(q), "A=1&a=y&a=z&b=2&c%20d=&~=%2B");
  EXPECT_EQ(encode_query({{"x y", "1/2"}}), "x%20y=1%2F2");
  EXPECT_EQ(canonical_query({}), "");
}

TEST(Url, ParsesEndpoints) {
  Url u = Url::parse("HTTP://LocalHost:4566/base/path?x=1");
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 4566);
  EXPECT_EQ(u.path, "/base/path");
  EXPECT_EQ(u.authority(), "localhost:4566");
  EXPECT_EQ(Url::parse("https://s3.eu-south-2.amazonaws.com:443").authority(),
            "s3.eu-south-2.amazonaws.com");
  EXPECT_EQ(Url::parse("http://[::1]:8080").authority(), "[::1]:8080");
  EXPECT_EQ(Url::parse("http://h:80/").origin(), "http://h");
}

TEST(Url, RejectsNonsense) {
  EXPECT_THROW(Url::parse("s3.amazonaws.com"), std::invalid_argument);
  EXPECT_THROW(Url::parse("ftp://h"), std::invalid_argument);
  EXPECT_THROW(Url::parse("http://:80"), std::invalid_argument);
  EXPECT_THROW(Url::parse("http://h:99999"), std::invalid_argument);
  EXPECT_THROW(Url::parse("http://user:pw@h"), std::invalid_argument);
}

TEST(TimeFormat, AmzDateAndIso8601) {
  auto t = parse_iso8601("2015-08-30T12:36:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(amz_date(*t), "20150830T123600Z");
  EXPECT_EQ(amz_day(*t), "20150830");
  EXPECT_EQ(parse_iso8601("2015-08-30T14:36:00.123+02:00"), t);
  EXPECT_EQ(parse_iso8601("2015-08-30T10:06:00-02:30"), t);
  EXPECT_FALSE(parse_iso8601("2015-08-30T12:36:00"));  // no zone
  EXPECT_FALSE(parse_iso8601("2015-02-30T12:36:00Z"));
  EXPECT_FALSE(parse_iso8601("yesterday"));
}

TEST(Crypto, KnownDigests) {
  EXPECT_EQ(util::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(util::md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
  // RFC 4231 test case 2.
  EXPECT_EQ(util::to_hex(util::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  util::Sha256 h;
  h.update("hel");
  h.update("lo");
  EXPECT_EQ(h.finish_hex(), util::sha256_hex("hello"));
}

}  // namespace
}  // namespace runner::aws
