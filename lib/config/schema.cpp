#include "config/schema.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "util/color.h"
#include "util/logo.h"
#include "util/phone.h"
#include "util/quiet_hours.h"
#include "util/timezone.h"
#include "util/time.h"

namespace assist {
namespace {

std::string check_url(const std::string& v) {
  if (v.rfind("https://", 0) != 0 && v.rfind("http://", 0) != 0)
    return "must start with https:// or http://";
  if (v.size() < 9 || v.back() == '/') return "must be a base URL without a trailing '/'";
  const auto host = v.substr(v.find("//") + 2);
  for (const char* any : {"0.0.0.0", "[::]"})
    if (host.rfind(any, 0) == 0 && (host.size() == std::strlen(any) || host[std::strlen(any)] == ':' ||
                                    host[std::strlen(any)] == '/'))
      return std::string("names ") + any + ", which listens on every address but is none a browser can open; "
             "give this machine's name or address";
  return "";
}

std::string check_ip_address(const std::string& v) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, v.c_str(), buf) == 1 || inet_pton(AF_INET6, v.c_str(), buf) == 1) return "";
  return "is not an IP address";
}

std::string check_stun_url(const std::string& v) {
  if (v.empty() || v.rfind("stun://", 0) == 0) return "";
  return "must look like stun://HOST:PORT";
}

std::string check_optional_ip_address(const std::string& v) {
  if (v.empty()) return "";
  if (v == "0.0.0.0" || v == "::") return "must be a specific address, not " + v;
  return check_ip_address(v);
}

// RFC 7065: turn:HOST[:PORT][?transport=udp|tcp] or turns:…; the credentials come from the
// shared secret, never from the URI.
std::string check_turn_url(const std::string& v) {
  const std::string usage =
      "must look like turn:HOST:PORT, turns:HOST:PORT or turn:HOST:PORT?transport=tcp";
  const auto colon = v.find(':');
  if (colon == std::string::npos) return usage;
  const auto scheme = v.substr(0, colon);
  if (scheme != "turn" && scheme != "turns") return usage;
  auto rest = v.substr(colon + 1);
  if (rest.rfind("//", 0) == 0) return usage + " (no '//')";
  if (rest.find('@') != std::string::npos)
    return "must not hold credentials: they come from media.ice.turn_secret";
  if (const auto query = rest.find('?'); query != std::string::npos) {
    const auto q = rest.substr(query + 1);
    if (q != "transport=udp" && q != "transport=tcp") return usage + " (the only query is transport=udp|tcp)";
    rest.resize(query);
  }
  std::string host = rest, port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return usage;
    host = rest.substr(0, close + 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return usage;
      port = rest.substr(close + 2);
    }
    unsigned char buf[16];
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) != 1) return usage;
  } else if (const auto p = rest.find(':'); p != std::string::npos) {
    host = rest.substr(0, p);
    port = rest.substr(p + 1);
  }
  if (host.empty() || host.find_first_of(" /\\\"'<>") != std::string::npos) return usage;
  if (rest.size() > host.size()) {
    int number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc{} || end != port.data() + port.size() || number < 1 || number > 65535)
      return "port must be a number from 1 to 65535";
  }
  return "";
}

std::string check_optional_url(const std::string& v) { return v.empty() ? "" : check_url(v); }

std::string check_map_url(const std::string& v) {
  if (v.empty()) return "";
  if (auto problem = check_url(v); !problem.empty()) return problem;
  if (v.find("{lat}") == std::string::npos || v.find("{lon}") == std::string::npos)
    return "must contain {lat} and {lon}, e.g. https://www.openstreetmap.org/?mlat={lat}&mlon={lon}";
  return "";
}

std::string check_smtp_url(const std::string& v) {
  if (v.empty() || v.rfind("smtp://", 0) == 0 || v.rfind("smtps://", 0) == 0) return "";
  return "must start with smtp:// or smtps:// (or be empty: no email)";
}

std::string check_timezone(const std::string& v) {
  return TimeZone::find(v) ? "" : "'" + v + "' is not a known time zone, e.g. Europe/Paris or UTC";
}

std::string check_quiet_hours(const std::string& v) { return parse_quiet_hours(v).error; }

std::string check_reminder(const std::string& v) {
  auto d = parse_duration(v);
  return d && *d > 0 && *d <= 30 * 86400 ? "" : "must be a duration up to 30d, such as 24h or 1h";
}

std::string check_region(const std::string& v) {
  const bool ok = v.size() == 2 && std::isupper(static_cast<unsigned char>(v[0])) &&
                  std::isupper(static_cast<unsigned char>(v[1]));
  return ok ? "" : "must be an ISO 3166-1 alpha-2 code such as FR";
}

std::string check_optional_phone_region(const std::string& v) {
  if (v.empty()) return "";
  if (auto problem = check_region(v); !problem.empty()) return problem;
  return is_phone_region(v) ? "" : "'" + v + "' is not a country with phone numbers that libphonenumber knows";
}

// "image/png": a type and a subtype, as libmagic reports them.
std::string check_media_type(const std::string& v) {
  const auto slash = v.find('/');
  const bool ok = slash != std::string::npos && slash > 0 && slash + 1 < v.size() &&
                  v.find('/', slash + 1) == std::string::npos &&
                  std::all_of(v.begin(), v.end(), [](char c) {
                    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                           c == '/' || c == '.' || c == '+' || c == '-';
                  });
  return ok ? "" : "must be a media type in lower case, such as image/png";
}

std::string check_header(const std::string& v) {
  const auto colon = v.find(':');
  if (colon == std::string::npos || colon == 0 || v.find_first_of("\r\n") != std::string::npos)
    return "must be 'Name: value'";
  return "";
}

std::string check_brand_name(const std::string& v) {
  if (v.size() > 80) return "must be at most 80 bytes";
  if (std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return "must be one line";
  return "";
}

std::string check_logo(const std::string& v) { return v.empty() ? "" : read_logo(v).error; }

// White text sits on this colour (buttons) and it colours links on white: both must read.
std::string check_brand_color(const std::string& v) {
  const auto color = parse_hex_color(v);
  if (!color) return "must be a colour written #RRGGBB, such as #0b62d6";
  const double ratio = contrast_ratio(*color, {255, 255, 255});
  if (ratio >= 4.5) return "";
  char shown[16];
  std::snprintf(shown, sizeof shown, "%.1f", ratio);
  return "is too light: white text on it has a contrast of " + std::string(shown) +
         ":1 and WCAG AA needs 4.5:1; choose a darker shade";
}

std::string sms_countries_yaml() {
  std::string out = "[";
  for (const auto& c : default_sms_countries()) out += (out.size() > 1 ? ", \"" : "\"") + c + "\"";
  return out + "]";
}
const std::string sms_countries_default = sms_countries_yaml();

// Photos, documents and short videos: what a customer shows or a specialist hands over. No
// HTML, SVG or scripts, which a browser could run.
constexpr const char* default_file_types =
    "[\"image/png\", \"image/jpeg\", \"image/gif\", \"image/webp\", \"image/heic\", "
    "\"application/pdf\", \"text/plain\", \"text/csv\", "
    "\"application/vnd.openxmlformats-officedocument.wordprocessingml.document\", "
    "\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\", "
    "\"application/vnd.oasis.opendocument.text\", \"application/vnd.oasis.opendocument.spreadsheet\", "
    "\"video/mp4\", \"video/quicktime\", \"audio/mpeg\", \"audio/ogg\"]";

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
    {.path = "server.workers", .type = KeyType::integer, .default_yaml = "2",
     .description = "Threads that answer REST requests and pages and do database work (each with its "
                    "own database connection), so that none of it delays call signalling.",
     .reload = Reload::restart, .min = 1, .max = 64, .int_field = &Config::workers},
    {.path = "storage.data_dir", .type = KeyType::text, .default_yaml = "/var/lib/assist",
     .description = "Directory holding the SQLite database, TLS material and stored files.",
     .text_field = &Config::data_dir},
    {.path = "log.level", .type = KeyType::choice, .default_yaml = "info",
     .description = "Least severe level that is logged.", .reload = Reload::live,
     .choices = {"trace", "debug", "info", "warn", "error"}, .text_field = &Config::log_level},
    {.path = "media.ice.addresses", .type = KeyType::text_list, .default_yaml = "[]",
     .description = "Host addresses whose ICE candidates are offered to browsers. Empty: every "
                    "non-loopback address. 127.0.0.1 is allowed (tests, single-host demos).",
     .check = check_ip_address, .list_field = &Config::ice_addresses, .may_be_empty = true},
    {.path = "media.ice.port_range", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "UDP ports for media as MIN-MAX, e.g. 40000-40999. Empty: any free port.",
     .check = check_port_range, .text_field = &Config::ice_port_range},
    {.path = "media.ice.stun_server", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "STUN server as stun://HOST:PORT, used to learn the public address. Empty: none.",
     .check = check_stun_url, .text_field = &Config::stun_server},
    {.path = "media.ice.public_address", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "1:1 NAT: the public IPv4 or IPv6 address that forwards the media ports unchanged "
                    "to this host. Host candidates of its family announce it instead of the host's "
                    "address. Empty: candidates as gathered.",
     .check = check_optional_ip_address, .text_field = &Config::ice_public_address},
    {.path = "media.ice.tcp", .type = KeyType::boolean, .default_yaml = "false",
     .description = "Also gather ICE-TCP candidates (for browsers that cannot use UDP). Off: UDP only.",
     .bool_field = &Config::ice_tcp},
    {.path = "media.ice.turn_servers", .type = KeyType::text_list, .default_yaml = "[]",
     .description = "TURN servers handed to browsers, as turn:HOST:PORT or turns:HOST:PORT "
                    "(?transport=tcp allowed), with ephemeral credentials from turn_secret. Empty: none.",
     .reload = Reload::live, .check = check_turn_url, .list_field = &Config::turn_servers,
     .may_be_empty = true},
    {.path = "media.ice.turn_secret", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Secret shared with the TURN servers (coturn static-auth-secret with "
                    "use-auth-secret). Required with turn_servers.",
     .reload = Reload::live, .text_field = &Config::turn_secret},
    {.path = "media.ice.turn_ttl", .type = KeyType::duration, .default_yaml = "1d",
     .description = "How long the TURN credentials handed to a browser at join stay valid.",
     .reload = Reload::live, .min = 60, .max = 7 * 86400, .int_field = &Config::turn_ttl},
    {.path = "links.lead_time", .type = KeyType::duration, .default_yaml = "15m",
     .description = "How long before an appointment's start its join links begin to work.",
     .reload = Reload::live, .min = 0, .max = 7 * 86400, .int_field = &Config::lead_time},
    {.path = "appointments.sweep_interval", .type = KeyType::duration, .default_yaml = "1m",
     .description = "How often appointments whose window has passed with nobody connected are "
                    "closed: no_show when nobody came, ended after a call, expired otherwise.",
     .reload = Reload::live, .min = 1, .max = 3600, .int_field = &Config::sweep_interval},
    {.path = "appointments.phone_region", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Country (ISO 3166-1 alpha-2, e.g. FR) of customer phone numbers written "
                    "without a country code, such as 06 12 34 56 78. Empty: only international "
                    "numbers (+33 6 12 34 56 78) are accepted.",
     .reload = Reload::live, .check = check_optional_phone_region, .text_field = &Config::phone_region},
    {.path = "consent.terms", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Terms of use a customer accepts on the join page before the call. Empty: "
                    "built-in text in the customer's language.",
     .reload = Reload::live, .text_field = &Config::consent_terms},
    {.path = "consent.privacy", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Privacy notice shown with the terms on the join page. Empty: built-in text "
                    "in the customer's language.",
     .reload = Reload::live, .text_field = &Config::consent_privacy},
    {.path = "branding.name", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "The company's name, at the top of the customer pages, on the waiting screen "
                    "and as the signature of emails. Empty: the pages say \"Video call\".",
     .reload = Reload::live, .check = check_brand_name, .text_field = &Config::branding_name},
    {.path = "branding.logo", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Absolute path of the company's logo (PNG, JPEG or WebP, at most 256 KiB), shown "
                    "beside the name on the customer pages and at the top of HTML emails. Empty: none.",
     .reload = Reload::live, .check = check_logo, .text_field = &Config::branding_logo},
    {.path = "branding.color", .type = KeyType::text, .default_yaml = "\"#0b62d6\"",
     .description = "The company's colour (#RRGGBB) for buttons and links on the customer pages and "
                    "the band at the top of HTML emails. It must be dark enough for white text "
                    "(contrast of at least 4.5:1).",
     .reload = Reload::live, .check = check_brand_color, .text_field = &Config::branding_color},
    {.path = "notify.timezone", .type = KeyType::text, .default_yaml = "UTC",
     .description = "Time zone of customers (IANA name): times in messages and quiet hours use it.",
     .reload = Reload::live, .check = check_timezone, .text_field = &Config::notify_timezone},
    {.path = "notify.quiet_hours", .type = KeyType::text, .default_yaml = "\"21:00-08:00\"",
     .description = "Local hours (HH:MM-HH:MM) when reminders wait; messages sent by hand do not. "
                    "Empty: none.",
     .reload = Reload::live, .check = check_quiet_hours, .text_field = &Config::notify_quiet_hours},
    {.path = "notify.reminders", .type = KeyType::text_list, .default_yaml = "[\"24h\", \"1h\"]",
     .description = "How long before an appointment `assistctl remind` sends reminders. Empty: none.",
     .reload = Reload::live, .check = check_reminder, .list_field = &Config::notify_reminders,
     .may_be_empty = true},
    {.path = "notify.templates_dir", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Directory of template overrides named LOCALE/KIND.PART (e.g. fr/reminder.sms; "
                    "parts: subject, txt, html, sms). Empty: built-in templates.",
     .reload = Reload::live, .text_field = &Config::notify_templates_dir},
    {.path = "notify.retry.base", .type = KeyType::duration, .default_yaml = "30s",
     .description = "Wait after a first failed attempt; doubled after each further failure.",
     .min = 1, .max = 3600, .int_field = &Config::notify_retry_base},
    {.path = "notify.retry.max_delay", .type = KeyType::duration, .default_yaml = "1h",
     .description = "Longest wait between two attempts.", .min = 1, .max = 86400,
     .int_field = &Config::notify_retry_max},
    {.path = "notify.retry.give_up_after", .type = KeyType::duration, .default_yaml = "1d",
     .description = "A notification still not sent this long after it was queued is failed.",
     .min = 60, .max = 7 * 86400, .int_field = &Config::notify_give_up_after},
    {.path = "notify.email.smtp_url", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "SMTP server as smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT. Empty: no "
                    "email channel.",
     .check = check_smtp_url, .text_field = &Config::notify_smtp_url},
    {.path = "notify.email.tls", .type = KeyType::choice, .default_yaml = "required",
     .description = "For smtp:// URLs: 'required' insists on STARTTLS, 'off' sends in clear text "
                    "(a relay on the same host only).",
     .choices = {"required", "off"}, .text_field = &Config::notify_smtp_tls},
    {.path = "notify.email.username", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "SMTP login. Empty: no authentication.", .text_field = &Config::notify_smtp_username},
    {.path = "notify.email.password", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "SMTP password.", .text_field = &Config::notify_smtp_password},
    {.path = "notify.email.from", .type = KeyType::text, .default_yaml = "assist@localhost",
     .description = "Sender address of emails.", .text_field = &Config::notify_email_from},
    {.path = "notify.sms.provider", .type = KeyType::choice, .default_yaml = "none",
     .description = "SMS provider: none, twilio (Twilio's REST API) or http (generic JSON POST).",
     .choices = {"none", "twilio", "http"}, .text_field = &Config::notify_sms_provider},
    {.path = "notify.sms.allowed_countries", .type = KeyType::text_list,
     .default_yaml = sms_countries_default,
     .description = "Countries (ISO 3166-1 alpha-2) SMS may be sent to; others are refused.",
     .reload = Reload::live, .check = check_region, .list_field = &Config::notify_sms_countries},
    {.path = "notify.sms.twilio.base_url", .type = KeyType::text,
     .default_yaml = "https://api.twilio.com",
     .description = "Twilio API base URL (tests point it at a local server).",
     .check = check_url, .text_field = &Config::notify_twilio_base_url},
    {.path = "notify.sms.twilio.account_sid", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Twilio account SID.", .text_field = &Config::notify_twilio_account_sid},
    {.path = "notify.sms.twilio.auth_token", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Twilio auth token; also keys the status callback URLs.",
     .text_field = &Config::notify_twilio_auth_token},
    {.path = "notify.sms.twilio.from", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Sender number (E.164) or messaging service SID.",
     .text_field = &Config::notify_twilio_from},
    {.path = "notify.sms.http.url", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Generic SMS provider: URL the JSON body is POSTed to.",
     .check = check_optional_url, .text_field = &Config::notify_sms_http_url},
    {.path = "notify.sms.http.headers", .type = KeyType::text_list, .default_yaml = "[]",
     .description = "Generic SMS provider: extra headers, each 'Name: value'.",
     .check = check_header, .list_field = &Config::notify_sms_http_headers, .may_be_empty = true},
    {.path = "notify.sms.http.body", .type = KeyType::text,
     .default_yaml = "'{\"to\": {{to}}, \"text\": {{body}}}'",
     .description = "Generic SMS provider: JSON body; {{to}} and {{body}} become JSON strings.",
     .text_field = &Config::notify_sms_http_body},
    {.path = "notify.webhook.url", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Where webhook events are POSTed. Empty: no webhook channel.",
     .check = check_optional_url, .text_field = &Config::notify_webhook_url},
    {.path = "notify.webhook.secret", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "HMAC-SHA256 key signing webhook events (X-Assist-Signature).",
     .text_field = &Config::notify_webhook_secret},
    {.path = "files.max_size", .type = KeyType::byte_size, .default_yaml = "25MiB",
     .description = "Largest file a participant may share in a call; a larger upload is refused "
                    "(413) before anything is stored.",
     .reload = Reload::live, .min = 1024, .max = 1LL << 30, .int_field = &Config::files_max_size},
    {.path = "files.allowed_types", .type = KeyType::text_list, .default_yaml = default_file_types,
     .description = "Media types that may be shared, as detected from the content (libmagic), "
                    "never from the name; others are refused (415).",
     .reload = Reload::live, .check = check_media_type, .list_field = &Config::files_allowed_types},
    {.path = "files.max_per_appointment", .type = KeyType::integer, .default_yaml = "100",
     .description = "How many files may be shared in one appointment.", .reload = Reload::live,
     .min = 1, .max = 10000, .int_field = &Config::files_max_per_appointment},
    {.path = "recording.mode", .type = KeyType::choice, .default_yaml = "on_demand",
     .description = "Call recording: 'off' (never), 'on_demand' (a specialist starts and stops it in "
                    "the call) or 'always' (from the first connection). The customer is always told "
                    "while a call records.",
     .reload = Reload::live, .choices = {"off", "on_demand", "always"}, .text_field = &Config::recording_mode},
    {.path = "recording.consent", .type = KeyType::choice, .default_yaml = "notify",
     .description = "'notify': the customer is told while the call records; 'require': the customer is "
                    "asked first, and nothing is recorded unless they accept (their answer is audited).",
     .reload = Reload::live, .choices = {"notify", "require"}, .text_field = &Config::recording_consent},
    {.path = "locations.map_url", .type = KeyType::text, .default_yaml = "\"\"",
     .description = "Where the console links a customer's shared position: a URL with {lat} and {lon} "
                    "(decimal degrees), e.g. https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}. "
                    "\"\" = no link (the coordinates alone).",
     .reload = Reload::live, .check = check_map_url, .text_field = &Config::locations_map_url},
    {.path = "diagnostics.max_tests", .type = KeyType::integer, .default_yaml = "4",
     .description = "How many network tests (the echo behind /test and the customer page's check) may run "
                    "at once; the next is refused with echo_busy until one ends.",
     .reload = Reload::live, .min = 0, .max = 1000, .int_field = &Config::diagnostics_max_tests},
    {.path = "diagnostics.max_kbps", .type = KeyType::integer, .default_yaml = "2500",
     .description = "The video bitrate, in kb/s, a network test is asked to stay under (b=AS in the echo's "
                    "answer): the most its bitrate figure can show.",
     .reload = Reload::live, .min = 100, .max = 50000, .int_field = &Config::diagnostics_max_kbps},
    {.path = "diagnostics.max_duration", .type = KeyType::duration, .default_yaml = "30s",
     .description = "How long one network test may hold its echo; then the server ends it (echo_time_up).",
     .reload = Reload::live, .min = 10, .max = 600, .int_field = &Config::diagnostics_max_duration},
    {.path = "queues.entries_per_address", .type = KeyType::integer, .default_yaml = "10",
     .description = "How many times one client address may join a queue through its public link "
                    "within queues.entry_window; more are refused (429).",
     .reload = Reload::live, .min = 1, .max = 100000, .int_field = &Config::queues_entries_per_address},
    {.path = "queues.entry_window", .type = KeyType::duration, .default_yaml = "10m",
     .description = "The sliding window queues.entries_per_address counts in.", .reload = Reload::live,
     .min = 60, .max = 86400, .int_field = &Config::queues_entry_window},
};

}  // namespace

std::span<const ConfigKey> config_schema() { return schema; }

bool parse_port_range(const std::string& v, unsigned& min, unsigned& max) {
  const auto dash = v.find('-');
  if (dash == std::string::npos) return false;
  auto number = [](std::string_view s, unsigned& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
  };
  return number(std::string_view(v).substr(0, dash), min) && number(std::string_view(v).substr(dash + 1), max);
}

std::string check_port_range(const std::string& v) {
  if (v.empty()) return "";
  unsigned min = 0, max = 0;
  if (!parse_port_range(v, min, max) || min < 1024 || max > 65535 || min > max)
    return "must be MIN-MAX with 1024 <= MIN <= MAX <= 65535 (got '" + v + "')";
  return "";
}

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
