#include "util/turn_credentials.h"

#include <gtest/gtest.h>

namespace assist {
namespace {

// Expected values computed apart from this code, when the test was written:
//   printf '%s' 1700086400:p7 | openssl dgst -sha1 -hmac north-wind-42 -binary | base64
TEST(TurnCredentials, MatchesAnIndependentHmacSha1) {
  auto c = turn_credentials("north-wind-42", "p7", 1700086400);
  EXPECT_EQ(c.username, "1700086400:p7");
  EXPECT_EQ(c.credential, "xSzFTyrp+wXVI3GmOdsMHotjTg8=");
}

// A secret longer than SHA-1's 64-byte block is hashed first (RFC 2104); same check with
//   openssl dgst -sha1 -hmac "$(printf 'k%.0s' $(seq 80))".
TEST(TurnCredentials, LongSecret) {
  auto c = turn_credentials(std::string(80, 'k'), "p12", 1700000000);
  EXPECT_EQ(c.username, "1700000000:p12");
  EXPECT_EQ(c.credential, "cU56rr7TK105pQadtjs85ICQKp8=");
}

TEST(TurnCredentials, DependOnExpiryUserAndSecret) {
  const auto base = turn_credentials("s", "p1", 100);
  EXPECT_NE(base.credential, turn_credentials("s", "p1", 101).credential);
  EXPECT_NE(base.credential, turn_credentials("s", "p2", 100).credential);
  EXPECT_NE(base.credential, turn_credentials("t", "p1", 100).credential);
  EXPECT_EQ(base.credential.size(), 28u);  // base64 of 20 bytes, padded
  EXPECT_EQ(base.credential.back(), '=');
}

}  // namespace
}  // namespace assist
