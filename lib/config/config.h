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
  std::int64_t workers = 0;       // threads for requests and database work
  std::string data_dir;
  std::string log_level;
  std::int64_t lead_time = 0;  // seconds
  std::int64_t sweep_interval = 0;  // seconds between closing appointments whose window passed
  std::string phone_region;  // ISO 3166-1 alpha-2 for national phone numbers; "" = international only
  std::string consent_terms;    // "" = built-in text
  std::string consent_privacy;  // "" = built-in text
  std::string branding_name;    // the company, on customer pages and in emails; "" = none
  std::string branding_logo;    // absolute path of a PNG/JPEG/WebP; "" = none
  std::string branding_color;   // "#RRGGBB": buttons and links
  std::vector<std::string> ice_addresses;  // empty: every non-loopback address
  std::string ice_port_range;              // "MIN-MAX" or ""
  std::string stun_server;                 // "stun://host:port" or ""
  std::string ice_public_address;          // 1:1 NAT: announced instead of host addresses; ""
  bool ice_tcp = false;                    // ICE-TCP candidates as well as UDP
  std::vector<std::string> turn_servers;   // "turn:host:port" / "turns:…" URIs for browsers
  std::string turn_secret;                 // shared with the TURN server (use-auth-secret)
  std::int64_t turn_ttl = 0;               // seconds the browsers' TURN credentials last
  // notify: outbox, channels and schedules (see lib/notify)
  std::string notify_timezone;                   // customers' zone, "Europe/Paris"
  std::string notify_quiet_hours;                // "21:00-08:00" or ""
  std::vector<std::string> notify_reminders;     // durations before the start, "24h"
  std::string notify_templates_dir;              // "" = built-in templates only
  std::int64_t notify_retry_base = 0;            // seconds; doubled on each failed attempt
  std::int64_t notify_retry_max = 0;             // seconds; ceiling of the backoff
  std::int64_t notify_give_up_after = 0;         // seconds after queueing
  std::string notify_smtp_url;                   // "" = no email channel
  std::string notify_smtp_tls;                   // "required" or "off" (smtp:// only)
  std::string notify_smtp_username;
  std::string notify_smtp_password;
  std::string notify_email_from;
  std::string notify_sms_provider;               // "none", "twilio" or "http"
  std::vector<std::string> notify_sms_countries;  // ISO 3166-1 alpha-2
  std::string notify_twilio_base_url;
  std::string notify_twilio_account_sid;
  std::string notify_twilio_auth_token;
  std::string notify_twilio_from;
  std::string notify_sms_http_url;
  std::vector<std::string> notify_sms_http_headers;  // "Name: value"
  std::string notify_sms_http_body;              // JSON with {{to}} and {{body}}
  std::string notify_webhook_url;                // "" = no webhook channel
  std::string notify_webhook_secret;
  // files shared in calls (lib/domain/files)
  std::int64_t files_max_size = 0;                // bytes
  std::vector<std::string> files_allowed_types;   // media types, as libmagic names them
  std::int64_t files_max_per_appointment = 0;
  // call recordings (lib/domain/recordings, pipelines/recorder)
  std::string recording_mode;     // off, on_demand, always
  std::string recording_consent;  // notify, require
  // positions shared in calls (lib/domain/locations)
  std::string locations_map_url;  // with {lat} and {lon}; "" = no link
  // the network test's echo (daemon/signalling/echo_service)
  std::int64_t diagnostics_max_tests = 0;     // at once
  std::int64_t diagnostics_max_kbps = 0;      // video, each
  std::int64_t diagnostics_max_duration = 0;  // seconds, each
  // entries through the public queue links (/q/<slug>), per client address
  std::int64_t queues_entries_per_address = 0;
  std::int64_t queues_entry_window = 0;  // seconds

  std::string files_dir() const { return data_dir + "/files"; }
  std::string recordings_dir() const { return data_dir + "/recordings"; }
  std::string snapshots_dir() const { return data_dir + "/snapshots"; }

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
