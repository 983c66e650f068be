// The one table that defines every configuration key: its type, default, range and meaning.
// Parsing, validation, `assistd --config-keys` and assistd.yaml(5) all follow it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace assist {

enum class KeyType { text, text_list, duration, byte_size, integer, choice, boolean };
enum class Reload { live, restart };

struct ConfigKey {
  std::string_view path;           // "server.listen"
  KeyType type;
  std::string_view default_yaml;   // the default as YAML text
  std::string_view description;
  Reload reload = Reload::restart;
  std::int64_t min = 0, max = 0;   // range of a duration (seconds), a byte size or an integer
  std::vector<std::string_view> choices = {};
  // Extra check of one text value (each element for lists); returns an error or "".
  std::string (*check)(const std::string&) = nullptr;
  // Where the value lands.
  std::string Config::*text_field = nullptr;
  std::vector<std::string> Config::*list_field = nullptr;
  std::int64_t Config::*int_field = nullptr;
  bool Config::*bool_field = nullptr;
  bool may_be_empty = false;  // for lists
};

std::span<const ConfigKey> config_schema();

// "ADDR:PORT" with an IPv4 address or a bracketed IPv6 one; returns an error or "".
std::string check_listen_address(const std::string& value);
// "MIN-MAX" UDP ports, 1024..65535, MIN <= MAX; "" allowed. Parsed form in `min`/`max`.
std::string check_port_range(const std::string& value);
bool parse_port_range(const std::string& value, unsigned& min, unsigned& max);

}  // namespace assist
