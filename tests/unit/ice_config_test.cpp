// media.ice keys beyond addresses and ports: public address, ICE-TCP, TURN for browsers; and
// the iceServers list built from them.
#include <gtest/gtest.h>

#include "config/config.h"
#include "config_errors.h"
#include "ice_servers.h"
#include "util/turn_credentials.h"

namespace assist {
namespace {

Config load(const std::string& ice_yaml) {
  auto r = load_config_text("media:\n  ice:\n" + ice_yaml, "f");
  EXPECT_TRUE(r.config) << errors_of(r);
  return r.config.value_or(Config{});
}

TEST(IceConfig, Defaults) {
  auto r = load_config_text("", "f");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->ice_public_address, "");
  EXPECT_FALSE(r.config->ice_tcp);
  EXPECT_TRUE(r.config->turn_servers.empty());
  EXPECT_EQ(r.config->turn_secret, "");
  EXPECT_EQ(r.config->turn_ttl, 86400);
}

TEST(IceConfig, ReadsEveryKey) {
  auto c = load(
      "    public_address: 203.0.113.7\n"
      "    tcp: true\n"
      "    turn_servers: [\"turn:turn.example.org:3478\", \"turns:turn.example.org:5349\",\n"
      "                   \"turn:[2001:db8::1]:3478?transport=tcp\", \"turn:192.0.2.1\"]\n"
      "    turn_secret: north-wind-42\n"
      "    turn_ttl: 2h\n");
  EXPECT_EQ(c.ice_public_address, "203.0.113.7");
  EXPECT_TRUE(c.ice_tcp);
  EXPECT_EQ(c.turn_servers.size(), 4u);
  EXPECT_EQ(c.turn_secret, "north-wind-42");
  EXPECT_EQ(c.turn_ttl, 7200);
  EXPECT_FALSE(load("    tcp: false\n").ice_tcp);
  EXPECT_EQ(load("    public_address: \"2001:db8::7\"\n").ice_public_address, "2001:db8::7");
}

TEST(IceConfig, BadValuesAreReportedWithTheirLines) {
  auto r = load_config_text(
      "media:\n"
      "  ice:\n"
      "    public_address: nat.example.org\n"           // 3: not a literal
      "    tcp: yes please\n"                           // 4
      "    turn_servers:\n"
      "      - turn://user:pass@turn.example.org\n"     // 6: webrtcbin's form
      "      - stun:stun.example.org\n"                 // 7: wrong scheme
      "      - turn:turn.example.org:0\n"               // 8: port
      "      - turn:turn.example.org?transport=sctp\n"  // 9
      "    turn_secret: s\n"
      "    turn_ttl: 10s\n",                            // 11: under 1m
      "f");
  EXPECT_FALSE(r.config);
  const auto text = errors_of(r);
  EXPECT_NE(text.find("f:3: 'media.ice.public_address': is not an IP address"), std::string::npos) << text;
  EXPECT_NE(text.find("f:4: 'media.ice.tcp' must be true or false (got 'yes please')"), std::string::npos) << text;
  EXPECT_NE(text.find("f:6: 'media.ice.turn_servers': 'turn://user:pass@turn.example.org' must look like "
                      "turn:HOST:PORT"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("f:7: 'media.ice.turn_servers': 'stun:stun.example.org' must look like"), std::string::npos)
      << text;
  EXPECT_NE(text.find("f:8: 'media.ice.turn_servers': 'turn:turn.example.org:0' port must be"), std::string::npos)
      << text;
  EXPECT_NE(text.find("f:9: 'media.ice.turn_servers': 'turn:turn.example.org?transport=sctp'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("f:11: 'media.ice.turn_ttl' must be between 1m and 7d"), std::string::npos) << text;
  // A refused turn_servers does not also count as "missing" next to turn_secret.
  EXPECT_EQ(text.find("must be set together"), std::string::npos) << text;
}

TEST(IceConfig, UnspecifiedPublicAddressIsRefused) {
  auto r = load_config_text("media:\n  ice:\n    public_address: 0.0.0.0\n", "f");
  EXPECT_NE(errors_of(r).find("f:3: 'media.ice.public_address': must be a specific address"), std::string::npos)
      << errors_of(r);
}

TEST(IceConfig, CredentialsInATurnUriAreRefused) {
  auto r = load_config_text("media:\n  ice:\n    turn_servers: [\"turn:u:p@h:3478\"]\n    turn_secret: s\n", "f");
  EXPECT_NE(errors_of(r).find("must not hold credentials"), std::string::npos) << errors_of(r);
}

TEST(IceConfig, TurnServersAndSecretGoTogether) {
  auto servers_only = load_config_text("media:\n  ice:\n    stun_server: stun://s:3478\n"
                                       "    turn_servers: [\"turn:t.example.org:3478\"]\n",
                                       "f");
  EXPECT_FALSE(servers_only.config);
  EXPECT_EQ(errors_of(servers_only),
            "f:4: 'media.ice.turn_servers' and 'media.ice.turn_secret' must be set together (browsers' TURN "
            "credentials are made from the secret)\n");
  auto secret_only = load_config_text("media:\n  ice:\n    turn_secret: s\n", "f");
  EXPECT_FALSE(secret_only.config);
  EXPECT_NE(errors_of(secret_only).find("f:3: 'media.ice.turn_servers' and 'media.ice.turn_secret' must be set "
                                        "together"),
            std::string::npos)
      << errors_of(secret_only);
}

TEST(IceServers, NoneConfigured) { EXPECT_EQ(ice_servers_for(Config{}, "p1", 1000), nlohmann::json::array()); }

TEST(IceServers, StunAndTurnWithEphemeralCredentials) {
  auto c = load(
      "    stun_server: stun://stun.example.org:3478\n"
      "    turn_servers: [\"turn:turn.example.org:3478\", \"turns:turn.example.org:5349\"]\n"
      "    turn_secret: north-wind-42\n"
      "    turn_ttl: 1d\n");
  const auto servers = ice_servers_for(c, "p7", 1700000000);
  ASSERT_EQ(servers.size(), 2u) << servers.dump();
  EXPECT_EQ(servers[0].dump(), R"({"urls":["stun:stun.example.org:3478"]})");
  EXPECT_EQ(servers[1]["urls"], (nlohmann::json{"turn:turn.example.org:3478", "turns:turn.example.org:5349"}));
  // 1700000000 + 86400: the vector of TurnCredentials.MatchesAnIndependentHmacSha1.
  EXPECT_EQ(servers[1]["username"], "1700086400:p7");
  EXPECT_EQ(servers[1]["credential"], "xSzFTyrp+wXVI3GmOdsMHotjTg8=");
}

TEST(IceServers, StunOnly) {
  auto c = load("    stun_server: stun://192.0.2.5:3478\n");
  EXPECT_EQ(ice_servers_for(c, "p1", 0).dump(), R"([{"urls":["stun:192.0.2.5:3478"]}])");
  EXPECT_EQ(browser_stun_url("stun:already:1"), "stun:already:1");
}

}  // namespace
}  // namespace assist
