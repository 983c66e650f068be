#include "config/schema.h"

#include <arpa/inet.h>

#include <charconv>

namespace assist {
namespace {

std::string check_url(const std::string& v) {
  if (v.rfind("https://", 0) != 0 && v.rfind("http://", 0) != 0)
    return "must start with https:// or http://";
  if (v.size() < 9 || v.back() == '/') return "must be a base URL without a trailing '/'";
  return "";
}

const std::vector<ConfigKey> schema = {
    {.path = "server.listen", .type = KeyType::text_list, .default_yaml = "[\"127.0.0.1:8443\"]",
     .description = "Addresses (ADDR:PORT) where HTTPS is served; IPv6 as [ADDR]:PORT.",
     .check = check_listen_address, .list_field = &Config::listen},
    {.path = "server.public_url", .type = KeyType::text, .default_yaml = "https://127.0.0.1:8443",
     .description = "Base URL that customers and specialists reach; join links start with it.",
     .reload = Reload::live, .check = check_url, .text_field = &Config::public_url},
    {.path = "server.tls.cert", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "PEM certificate chain. Empty: a self-signed certificate is generated into "
                    "data_dir/tls on first start.",
     .text_field = &Config::tls_cert},
    {.path = "server.tls.key", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "PEM private key for server.tls.cert.", .text_field = &Config::tls_key},
    {.path = "server.control_socket", .type = KeyType::text,
     .default_yaml = "/run/assist/assistd.sock",
     .description = "Unix socket (mode 0660) serving the API with admin rights to assistctl. "
                    "Empty: no control socket.",
     .text_field = &Config::control_socket},
    {.path = "server.read_timeout", .type = KeyType::duration, .default_yaml = "10s",
     .description = "How long a client may take to send a request's headers and body before the "
                    "connection is closed.",
     .reload = Reload::restart, .min = 1, .max = 300, .int_field = &Config::read_timeout},
    {.path = "storage.data_dir", .type = KeyType::text, .default_yaml = "/var/lib/assist",
     .description = "Directory holding the SQLite database, TLS material and stored files.",
     .text_field = &Config::data_dir},
    {.path = "log.level", .type = KeyType::choice, .default_yaml = "info",
     .description = "Least severe level that is logged.", .reload = Reload::live,
     .choices = {"trace", "debug", "info", "warn", "error"}, .text_field = &Config::log_level},
    {.path = "links.lead_time", .type = KeyType::duration, .default_yaml = "15m",
     .description = "How long before an appointment's start its join links begin to work.",
     .reload = Reload::live, .min = 0, .max = 7 * 86400, .int_field = &Config::lead_time},
};

}  // namespace

std::span<const ConfigKey> config_schema() { return schema; }

std::string check_listen_address(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos) return "must be ADDR:PORT";
  std::string host = v.substr(0, colon);
  std::string port_text = v.substr(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1 || port > 65535)
    return "port must be a number from 1 to 65535";
  unsigned char buf[16];
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1) return "";
  } else if (inet_pton(AF_INET, host.c_str(), buf) == 1) {
    return "";
  }
  return "'" + host + "' is not an IPv4 address or a bracketed IPv6 address";
}

}  // namespace assist
