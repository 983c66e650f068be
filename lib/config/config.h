// assistd's configuration: the typed values, and loading them from YAML through the schema.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace assist {

struct Config {
  std::vector<std::string> listen;  // "ADDR:PORT", TLS
  std::string public_url;
  std::string tls_cert;
  std::string tls_key;
  std::string control_socket;
  std::int64_t read_timeout = 0;  // seconds
  std::string data_dir;
  std::string log_level;
  std::int64_t lead_time = 0;  // seconds

  std::string database_path() const { return data_dir + "/assist.db"; }
};

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when the error has no position
  std::string message;
  std::string to_string() const;
};

struct ConfigLoad {
  std::optional<Config> config;  // set only when there are no errors
  std::vector<ConfigError> errors;
};

// An empty text yields the defaults. `name` is used in error messages.
ConfigLoad load_config_text(const std::string& text, const std::string& name);
ConfigLoad load_config_file(const std::string& path);

}  // namespace assist
