#include <gtest/gtest.h>

#include "config/config.h"
#include "config_errors.h"
#include "temp_db.h"
#include "util/color.h"

#include <fstream>

namespace assist {
namespace {

TEST(Config, EmptyFileGivesDefaults) {
  auto r = load_config_text("", "a.yaml");
  ASSERT_TRUE(r.config) << errors_of(r);
  EXPECT_EQ(r.config->listen, std::vector<std::string>{"127.0.0.1:8443"});
  EXPECT_EQ(r.config->public_url, "https://127.0.0.1:8443");
  EXPECT_EQ(r.config->data_dir, "/var/lib/assist");
  EXPECT_EQ(r.config->control_socket, "/run/assist/assistd.sock");
  EXPECT_EQ(r.config->lead_time, 15 * 60);
  EXPECT_EQ(r.config->log_level, "info");
  EXPECT_EQ(r.config->database_path(), "/var/lib/assist/assist.db");
}

TEST(Config, ReadsEveryKind) {
  auto r = load_config_text(
      "server:\n"
      "  listen: [\"0.0.0.0:443\", \"[::1]:8443\"]\n"
      "  public_url: https://assist.example.org\n"
      "  tls: { cert: /etc/c.pem, key: /etc/k.pem }\n"
      "storage:\n"
      "  data_dir: /srv/assist\n"
      "log: { level: debug }\n"
      "links:\n"
      "  lead_time: 1h30m\n",
      "a.yaml");
  ASSERT_TRUE(r.config) << errors_of(r);
  EXPECT_EQ(r.config->listen.size(), 2u);
  EXPECT_EQ(r.config->tls_cert, "/etc/c.pem");
  EXPECT_EQ(r.config->data_dir, "/srv/assist");
  EXPECT_EQ(r.config->log_level, "debug");
  EXPECT_EQ(r.config->lead_time, 5400);
}

TEST(Config, UnknownKeyIsReportedWithItsLine) {
  auto r = load_config_text("server:\n  listen: [\"127.0.0.1:1\"]\n  lisen: x\n", "assistd.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(errors_of(r), "assistd.yaml:3: unknown key 'server.lisen'\n");
}

TEST(Config, UnknownSectionIsReported) {
  auto r = load_config_text("storage:\n  data_dir: /x\nfoo:\n  bar: 1\n", "f");
  EXPECT_EQ(errors_of(r), "f:3: unknown key 'foo'\n");
}

TEST(Config, WrongTypesAndRangesAreReported) {
  auto r = load_config_text(
      "server:\n"
      "  listen: 127.0.0.1:8443\n"         // not a list
      "  public_url: ftp://x\n"            // bad scheme
      "links:\n"
      "  lead_time: 9d\n"                  // over 7d
      "log:\n"
      "  level: loud\n",
      "f");
  EXPECT_FALSE(r.config);
  const auto text = errors_of(r);
  EXPECT_NE(text.find("f:2: 'server.listen' must be a list"), std::string::npos) << text;
  EXPECT_NE(text.find("f:3: 'server.public_url': must start with https://"), std::string::npos) << text;
  EXPECT_NE(text.find("f:5: 'links.lead_time' must be between 0s and 7d"), std::string::npos) << text;
  EXPECT_NE(text.find("f:7: 'log.level' must be one of: trace, debug, info, warn, error"), std::string::npos)
      << text;
}

TEST(Config, BadListenAddressesAreReported) {
  auto r = load_config_text("server:\n  listen:\n    - \"127.0.0.1:8443\"\n    - \"localhost:99999\"\n", "f");
  EXPECT_FALSE(r.config);
  EXPECT_NE(errors_of(r).find("f:4: 'server.listen': 'localhost:99999' port must be"), std::string::npos)
      << errors_of(r);
}

TEST(Config, MediaIceKeys) {
  auto r = load_config_text(
      "media:\n  ice:\n    addresses: [\"127.0.0.1\", \"::1\"]\n    port_range: 40000-40099\n"
      "    stun_server: stun://stun.example.org:3478\n",
      "f");
  ASSERT_TRUE(r.config) << errors_of(r);
  EXPECT_EQ(r.config->ice_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(r.config->ice_port_range, "40000-40099");
  EXPECT_TRUE(load_config_text("", "f").config->ice_addresses.empty());
  auto bad = load_config_text(
      "media:\n  ice:\n    addresses: [\"eth0\"]\n    port_range: 5000-80\n    stun_server: x\n", "f");
  const auto text = errors_of(bad);
  EXPECT_NE(text.find("f:3: 'media.ice.addresses': 'eth0' is not an IP address"), std::string::npos) << text;
  EXPECT_NE(text.find("f:4: 'media.ice.port_range': must be MIN-MAX"), std::string::npos) << text;
  EXPECT_NE(text.find("f:5: 'media.ice.stun_server': must look like stun://"), std::string::npos) << text;
}

TEST(Config, DurationNeedsAUnit) {
  auto r = load_config_text("links:\n  lead_time: 15\n", "f");
  EXPECT_NE(errors_of(r).find("f:2: 'links.lead_time' must be a duration"), std::string::npos);
}

TEST(Config, SyntaxErrorHasALine) {
  auto r = load_config_text("server:\n  listen: [\"a\"\n  x: 1\n", "f");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_GT(r.errors[0].line, 0);
  EXPECT_NE(r.errors[0].message.find("YAML syntax"), std::string::npos);
}

TEST(Config, DuplicateKeysAreRefused) {
  auto r = load_config_text("log:\n  level: info\n  level: debug\n", "f");
  EXPECT_EQ(errors_of(r), "f:3: duplicate key 'log.level'\n");
}

TEST(Config, MissingFileIsAnError) {
  auto r = load_config_file("/nonexistent/assistd.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_NE(errors_of(r).find("/nonexistent/assistd.yaml: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace assist

namespace assist {
namespace {

TEST(Config, FileSharingKeys) {
  auto ok = load_config_text("files:\n  max_size: 64KiB\n  allowed_types: [\"text/plain\"]\n", "t");
  ASSERT_TRUE(ok.config);
  EXPECT_EQ(ok.config->files_max_size, 64 << 10);
  EXPECT_EQ(ok.config->files_allowed_types, std::vector<std::string>{"text/plain"});
  EXPECT_EQ(load_config_text("", "t").config->files_max_size, 25 << 20);
  for (const char* bad : {"files:\n  max_size: 25\n", "files:\n  max_size: 2GiB\n",
                          "files:\n  allowed_types: [\"Image/PNG\"]\n", "files:\n  allowed_types: [\"png\"]\n"}) {
    auto r = load_config_text(bad, "t");
    EXPECT_FALSE(r.config) << bad;
    ASSERT_EQ(r.errors.size(), 1u) << bad;
    EXPECT_NE(r.errors[0].message.find("files."), std::string::npos) << r.errors[0].message;
  }
}

TEST(Config, PhoneRegionIsACountryWithPhoneNumbers) {
  EXPECT_EQ(load_config_text("", "t").config->phone_region, "");
  EXPECT_EQ(load_config_text("appointments:\n  phone_region: FR\n", "t").config->phone_region, "FR");
  auto r = load_config_text("appointments:\n  phone_region: fr\n", "t");
  EXPECT_EQ(errors_of(r), "t:2: 'appointments.phone_region': must be an ISO 3166-1 alpha-2 code such as FR\n");
  r = load_config_text("appointments:\n  phone_region: XX\n", "t");
  EXPECT_EQ(errors_of(r),
            "t:2: 'appointments.phone_region': 'XX' is not a country with phone numbers that libphonenumber knows\n");
}

TEST(Config, BrandingNeedsAReadableColourAndARealImage) {
  testing::TempDir dir;
  const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
  std::ofstream(dir.file("logo.png"), std::ios::binary).write(png, sizeof png - 1);
  std::ofstream(dir.file("logo.svg")) << "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n";
  std::ofstream(dir.file("big.png"), std::ios::binary) << std::string(png, sizeof png - 1) << std::string(300 * 1024, '\0');
  auto ok = load_config_text("branding:\n  name: Acme\n  logo: " + dir.file("logo.png") + "\n  color: \"#7B1FA2\"\n", "a.yaml");
  ASSERT_TRUE(ok.config) << errors_of(ok);
  EXPECT_EQ(ok.config->branding_name, "Acme");
  EXPECT_EQ(load_config_text("", "a.yaml").config->branding_color, "#0b62d6");

  const auto error = [](const std::string& yaml) { return errors_of(load_config_text(yaml, "a.yaml")); };
  EXPECT_NE(error("branding:\n  color: \"#ffcc00\"\n").find("too light: white text on it has a contrast of 1.5:1"),
            std::string::npos) << error("branding:\n  color: \"#ffcc00\"\n");
  EXPECT_NE(error("branding:\n  color: purple\n").find("#RRGGBB"), std::string::npos);
  EXPECT_NE(error("branding:\n  logo: " + dir.file("logo.svg") + "\n").find("must be a PNG, JPEG or WebP"), std::string::npos)
      << error("branding:\n  logo: " + dir.file("logo.svg") + "\n");
  EXPECT_NE(error("branding:\n  logo: " + dir.file("big.png") + "\n").find("at most 256 KiB"), std::string::npos);
  EXPECT_NE(error("branding:\n  logo: " + dir.file("none.png") + "\n").find("cannot read"), std::string::npos);
  EXPECT_NE(error("branding:\n  logo: logo.png\n").find("absolute path"), std::string::npos);
  EXPECT_NE(error("branding:\n  name: " + std::string(81, 'x') + "\n").find("at most 80 bytes"), std::string::npos);
}

TEST(Config, APublicUrlOnTheAnyAddressIsRefused) {
  for (const char* url : {"https://0.0.0.0:8443", "https://0.0.0.0", "https://[::]:8443"}) {
    const auto r = load_config_text(std::string("server:\n  public_url: \"") + url + "\"\n", "a.yaml");
    EXPECT_FALSE(r.config) << url;
    EXPECT_NE(errors_of(r).find("none a browser can open"), std::string::npos) << errors_of(r);
  }
  EXPECT_TRUE(load_config_text("server:\n  public_url: \"https://0.0.0.0.example.org\"\n", "a.yaml").config);
}

TEST(Colour, ContrastIsWcags) {
  EXPECT_NEAR(contrast_ratio({0, 0, 0}, {255, 255, 255}), 21.0, 1e-9);
  EXPECT_NEAR(contrast_ratio({255, 255, 255}, {255, 255, 255}), 1.0, 1e-9);
  EXPECT_NEAR(contrast_ratio(*parse_hex_color("#767676"), {255, 255, 255}), 4.54, 0.01);  // the lightest AA grey
  EXPECT_FALSE(parse_hex_color("#12345"));
  EXPECT_FALSE(parse_hex_color("#12345g"));
  EXPECT_FALSE(parse_hex_color("123456"));
}

}  // namespace
}  // namespace assist
