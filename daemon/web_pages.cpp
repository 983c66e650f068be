#include "web_pages.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "api/api.h"
#include "domain/admission.h"
#include "domain/join_tokens.h"
#include "domain/queues.h"
#include "domain/users.h"
#include "util/logo.h"
#include "util/time.h"
#include "web_assets.h"

namespace assist {
namespace {

// The token is in the URL, so no page may leak it through a Referer; scripts, styles and
// connections stay on this origin; nothing may frame the pages. (The server adds no-store
// and nosniff to every response.)
void add_security_headers(HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
                         "connect-src 'self'; object-src 'none'; base-uri 'none'; "
                         "frame-ancestors 'none'; form-action 'self'");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Permissions-Policy", "camera=(self), microphone=(self), geolocation=(self)");
}

const WebAsset* find_asset(std::string_view name) {
  const auto& all = web_assets();
  auto it = std::find_if(all.begin(), all.end(), [&](const WebAsset& a) { return a.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::string content_type_of(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext; };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

HttpResponse page(int status, std::string_view name, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = content_type_of(name);
  r.body = std::move(body);
  add_security_headers(r);
  return r;
}

HttpResponse not_found() {
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Not found\n";
  add_security_headers(r);
  return r;
}

// "fr" or "en": the first supported language in Accept-Language, by quality.
std::string negotiate_language(const std::string& header, const std::string& fallback) {
  std::string best = fallback;
  double best_q = 0;
  std::size_t start = 0;
  while (start < header.size()) {
    auto end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    std::string item = header.substr(start, end - start);
    start = end + 1;
    double q = 1;
    if (auto semi = item.find(';'); semi != std::string::npos) {
      if (auto qpos = item.find("q=", semi); qpos != std::string::npos) q = std::atof(item.c_str() + qpos + 2);
      item.resize(semi);
    }
    item.erase(0, item.find_first_not_of(' '));
    const std::string primary = item.substr(0, item.find('-'));
    std::string lower;
    for (char ch : primary) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if ((lower == "en" || lower == "fr") && q > best_q) {
      best = lower;
      best_q = q;
    }
  }
  return best;
}

// A JSON value safe inside <script>: '<' only appears in strings, where \u003c means the same.
std::string script_json(const nlohmann::json& value) {
  std::string out;
  for (char ch : value.dump()) {
    if (ch == '<') out += "\\u003c";
    else out += ch;
  }
  return out;
}

// The page with its data: `<!--data-->` becomes a JSON script element with this id.
std::string with_page_data(std::string_view html, const std::string& id, const nlohmann::json& data) {
  std::string body(html);
  const std::string marker = "<!--data-->";
  if (auto at = body.find(marker); at != std::string::npos)
    body.replace(at, marker.size(), "<script type=\"application/json\" id=\"" + id + "\">" + script_json(data) + "</script>");
  return body;
}

// What the customer pages show of the company: name, colour, whether there is a logo.
nlohmann::json branding_json(const Config& config) {
  return {{"name", config.branding_name}, {"color", config.branding_color}, {"logo", !config.branding_logo.empty()}};
}

// The logo of branding.logo, checked again as it is read (the file may have changed).
HttpResponse logo(const Config& config) {
  if (config.branding_logo.empty()) return not_found();
  auto file = read_logo(config.branding_logo);
  if (!file.error.empty()) {
    spdlog::warn("BRAND_LOGO_UNUSABLE path={} error=\"{}\"", config.branding_logo, file.error);
    return not_found();
  }
  HttpResponse r;
  r.status = 200;
  r.content_type = file.media_type;
  r.body = std::move(file.bytes);
  add_security_headers(r);
  return r;
}

HttpResponse join_page(const std::string& token, const HttpRequest& request, const Config& config, Db& db) {
  const auto* html = find_asset("join.html");
  if (!html) return not_found();
  auto r = token.size() > 256 ? JoinResolution{} : resolve_join_token(db, token, now_seconds(), config.lead_time);
  nlohmann::json info;
  int status = 200;
  info["status"] = "ok";
  if (auto refusal = refusal_for(r.check)) {
    const auto& refused = describe(*refusal);
    info["status"] = refused.code;
    status = refused.http_status;
  }
  info["language"] = negotiate_language(request.header("accept-language"),
                                        r.appointment ? r.appointment->locale : "en");
  if (r.appointment) {
    const auto& a = *r.appointment;
    info["role"] = r.role == JoinRole::customer ? "customer" : "specialist";
    info["customer_name"] = a.customer_name;
    info["starts_at"] = format_iso8601(a.starts_at);
    info["valid_from"] = format_iso8601(r.valid_from);
    info["valid_until"] = format_iso8601(r.valid_until);
    info["appointment_state"] = std::string(to_string(a.state));
    if (a.specialist_id)
      if (auto specialist = find_user(db, *a.specialist_id); specialist && !specialist->display_name.empty())
        info["specialist_name"] = specialist->display_name;
  }
  info["branding"] = branding_json(config);
  if (r.check == JoinCheck::ok) {
    info["terms"] = config.consent_terms;
    info["privacy"] = config.consent_privacy;
    const auto mode = r.appointment ? recording_mode_for(db, r.appointment->id, config.recording_mode)
                                    : config.recording_mode;
    info["recording"] = {{"mode", mode}, {"consent", config.recording_consent}};
  }
  return page(status, "join.html", with_page_data(html->text, "link", info));
}

// The entry page of a queue: its public status, or for an unknown slug a 404 that says so in
// the customer's language.
HttpResponse queue_page(const std::string& slug, const HttpRequest& request, const Config& config, Db& db) {
  const auto* html = find_asset("queue.html");
  if (!html) return not_found();
  auto queue = slug_problem(slug).empty() ? find_queue_by_slug(db, slug) : std::nullopt;
  nlohmann::json info;
  info["status"] = queue ? "ok" : "unknown";
  info["language"] = negotiate_language(request.header("accept-language"), "en");
  if (queue) info["queue"] = public_queue_json(db, *queue, now_seconds());
  info["branding"] = branding_json(config);
  return page(queue ? 200 : 404, "queue.html", with_page_data(html->text, "queue-info", info));
}

// The pre-call test: anyone may open it, before any appointment.
HttpResponse check_page(const HttpRequest& request, const Config& config) {
  const auto* html = find_asset("test.html");
  if (!html) return not_found();
  nlohmann::json info;
  info["language"] = negotiate_language(request.header("accept-language"), "en");
  info["branding"] = branding_json(config);
  return page(200, "test.html", with_page_data(html->text, "check-info", info));
}

}  // namespace

std::optional<HttpResponse> serve_web_page(const HttpRequest& request, const Config& config, Db& db) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool is_page = path == "/" || path == "/console" || path == "/test" || path.rfind("/j/", 0) == 0 ||
                       path.rfind("/q/", 0) == 0 ||
                       path.rfind("/web/", 0) == 0 || path == "/brand/logo";
  if (!is_page) return std::nullopt;
  if (request.method != "GET") {
    HttpResponse r;
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Method not allowed\n";
    r.headers.emplace_back("Allow", "GET");
    return r;
  }
  if (path == "/") {
    HttpResponse r;
    r.status = 302;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", "/console");
    return r;
  }
  if (path == "/console") {
    const auto* html = find_asset("console.html");
    return html ? page(200, "console.html", std::string(html->text)) : not_found();
  }
  if (path == "/brand/logo") return logo(config);
  if (path == "/test") return check_page(request, config);
  if (path.rfind("/j/", 0) == 0) return join_page(path.substr(3), request, config, db);
  if (path.rfind("/q/", 0) == 0) return queue_page(path.substr(3), request, config, db);
  // The pages themselves are served only at their own paths, with their data.
  const auto name = path.substr(5);
  const auto* asset = name.ends_with(".html") ? nullptr : find_asset(name);
  if (!asset) return not_found();
  return page(200, name, std::string(asset->text));
}

}  // namespace assist
