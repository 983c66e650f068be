// /api/v1/appointments: create, list, show, cancel, reschedule, and join links.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/paging.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/contact.h"
#include "domain/join_tokens.h"
#include "domain/participants.h"
#include "domain/queues.h"
#include "domain/recordings.h"
#include "domain/snapshots.h"
#include "domain/users.h"
#include "notify/compose.h"
#include "util/phone.h"
#include "util/time.h"
#include "util/timezone.h"

namespace assist {
namespace {

constexpr std::int64_t min_duration = 5 * 60;
constexpr std::int64_t max_duration = 12 * 3600;
constexpr std::int64_t clock_skew = 60;  // a start this far in the past still counts as "now"

nlohmann::json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// With how many participants are connected now ("waiting" with nobody there is a call everyone
// left, not someone waiting) and how many recording files and photos it has.
nlohmann::json to_json(const Appointment& a, int connected, int recordings, int snapshots) {
  auto j = appointment_json(a);
  j["connected"] = connected;
  j["recordings"] = recordings;
  j["snapshots"] = snapshots;
  return j;
}

int count_of(const std::map<std::int64_t, int>& counts, std::int64_t id) {
  const auto it = counts.find(id);
  return it == counts.end() ? 0 : it->second;
}

nlohmann::json to_json(Db& db, const Appointment& a) {
  const auto p = presence(db, a.id);
  return to_json(a, p.customers + p.staff, count_of(count_recordings(db, {a.id}), a.id),
                 count_of(count_snapshots(db, {a.id}), a.id));
}

}  // namespace

NewAppointment read_customer(const JsonInput& in, const Config& config) {
  NewAppointment n;
  n.customer_name = in.required_text("customer_name", 200);
  if (auto phone = in.text("customer_phone", 40)) {
    const auto checked = normalise_phone(*phone, config.phone_region);
    if (!checked.e164)
      throw ApiError(422, "invalid_phone", "'customer_phone' " + checked.error, "customer_phone");
    n.customer_phone = *checked.e164;
  }
  n.customer_email = in.text("customer_email", 254);
  if (n.customer_email && !is_email_address(*n.customer_email))
    throw ApiError(422, "invalid_email", "'customer_email' is not an email address", "customer_email");
  n.locale = in.text("locale", 8).value_or("en");
  if (!is_supported_locale(n.locale))
    throw ApiError(422, "invalid_value", "'locale' must be en or fr", "locale");
  return n;
}

nlohmann::json appointment_json(const Appointment& a) {
  const auto time = [](const std::optional<std::int64_t>& t) {
    return t ? nlohmann::json(format_iso8601(*t)) : nlohmann::json(nullptr);
  };
  return {{"id", a.id},
          {"kind", a.kind},
          {"state", to_string(a.state)},
          {"closed", is_final(a.state)},
          {"customer_name", a.customer_name},
          {"customer_phone", optional_json(a.customer_phone)},
          {"customer_email", optional_json(a.customer_email)},
          {"locale", a.locale},
          {"customer_timezone", optional_json(a.timezone)},
          {"starts_at", format_iso8601(a.starts_at)},
          {"ends_at", format_iso8601(a.ends_at())},
          {"duration_seconds", a.duration},
          {"specialist", optional_json(a.specialist)},
          {"queue", optional_json(a.queue)},
          {"reason", optional_json(a.reason)},
          {"waiting_since", time(a.waiting_since)},
          {"admitted_at", time(a.admitted_at)},
          {"closing_reason", optional_json(a.closing_reason)},
          {"created_at", format_iso8601(a.created_at)},
          {"updated_at", format_iso8601(a.updated_at)}};
}

namespace {

void announce_change(const Call& call, std::int64_t id) {
  if (call.services.appointment_changed) call.services.appointment_changed(id);
}

void add_link(nlohmann::json& out, const Call& call, const IssuedToken& token, const char* role) {
  out["join_url"] = join_url(call.config->public_url, token.token);
  out["join_role"] = role;
  out["join_valid_from"] = format_iso8601(token.valid_from);
  out["join_valid_until"] = format_iso8601(token.valid_until);
}

std::int64_t parse_time_field(const std::string& field, const std::string& text) {
  auto t = parse_iso8601(text);
  if (!t)
    throw ApiError(422, "invalid_value",
                   "'" + field + "' must be an ISO-8601 time with a zone, e.g. 2026-12-01T09:30:00Z",
                   field);
  return *t;
}

std::int64_t checked_duration(const JsonInput& in, std::int64_t fallback) {
  auto d = in.integer("duration_seconds").value_or(fallback);
  if (d < min_duration || d > max_duration)
    throw ApiError(422, "invalid_value",
                   "'duration_seconds' must be between " + std::to_string(min_duration) + " and " +
                       std::to_string(max_duration),
                   "duration_seconds");
  return d;
}

void check_start(std::int64_t starts_at) {
  if (starts_at < now_seconds() - clock_skew)
    throw ApiError(422, "start_in_past", "'starts_at' is in the past", "starts_at");
}

std::int64_t specialist_for_create(const Call& call, const std::optional<std::string>& name) {
  auto& db = call.db;
  if (call.principal.role == Role::specialist) {
    auto self = find_user(db, *call.principal.user_id);
    if (name && *name != self->username)
      throw ApiError(403, "forbidden", "a specialist can create appointments only for themselves",
                     "specialist");
    return self->id;
  }
  auto user = find_user(db, *name);
  if (!user || user->disabled)
    throw ApiError(422, "unknown_specialist", "no active user '" + *name + "'", "specialist");
  return user->id;
}

HttpResponse create(Call& call) {
  JsonInput in(call.request.body, {"customer_name", "customer_phone", "customer_email", "locale",
                                   "customer_timezone", "starts_at", "duration_seconds", "specialist",
                                   "queue"});
  auto n = read_customer(in, *call.config);
  n.timezone = in.text("customer_timezone", 64);
  if (n.timezone && !TimeZone::find(*n.timezone))
    throw ApiError(422, "invalid_timezone",
                   "'customer_timezone' must be an IANA time zone such as Europe/Paris", "customer_timezone");
  if (auto at = in.text("starts_at", 40)) {
    n.starts_at = parse_time_field("starts_at", *at);
    check_start(*n.starts_at);
  }
  n.duration = checked_duration(in, n.duration);
  auto specialist = in.text("specialist", 64);
  if (specialist || call.principal.role == Role::specialist)
    n.specialist_id = specialist_for_create(call, specialist);
  auto& db = call.db;
  if (auto queue_name = in.text("queue", 100)) {
    auto queue = find_queue(db, *queue_name);
    if (!queue) throw ApiError(422, "unknown_queue", "no queue '" + *queue_name + "'", "queue");
    n.queue_id = queue->id;
  }

  Transaction tx(db);
  auto a = create_appointment(db, n, call.principal);
  auto token = issue_join_token(db, a, JoinRole::customer, call.config->lead_time, call.principal);
  tx.commit();
  announce_change(call, a.id);
  auto body = to_json(db, a);
  add_link(body, call, token, "customer");
  auto r = json_response(201, body.dump());
  r.headers.emplace_back("Location", "/api/v1/appointments/" + std::to_string(a.id));
  return r;
}

HttpResponse list(Call& call) {
  AppointmentFilter f;
  auto& db = call.db;
  if (auto state = call.query_value("state")) {
    f.state = parse_appointment_state(*state);
    if (!f.state) throw ApiError(400, "bad_query", "unknown state '" + *state + "'", "state");
  }
  if (auto name = call.query_value("specialist")) {
    auto user = find_user(db, *name);
    f.specialist_id = user ? user->id : -1;
  }
  if (auto only = call.principal.visible_specialist()) {
    const bool someone_else = f.specialist_id && f.specialist_id != only;
    f.specialist_id = someone_else ? -1 : *only;
    if (!someone_else) f.or_queues_of = call.principal.user_id;
  }
  auto query_time = [&](const char* name) -> std::optional<std::int64_t> {
    auto text = call.query_value(name);
    if (!text) return std::nullopt;
    auto t = parse_iso8601(*text);
    if (!t)
      throw ApiError(400, "bad_query",
                     std::string("'") + name + "' must be an ISO-8601 time with a zone (send '+' as %2B)",
                     name);
    return t;
  };
  f.from = query_time("from");
  f.to = query_time("to");
  f.after_id = page_cursor(call);
  const auto limit = page_limit(call);
  f.limit = static_cast<int>(limit) + 1;
  const auto rows = list_appointments(db, f);
  std::vector<std::int64_t> ids;
  for (const auto& a : rows) ids.push_back(a.id);
  // One query each for the whole page.
  const auto connected = connected_participants(db);
  const auto recorded = count_recordings(db, ids);
  const auto photographed = count_snapshots(db, ids);
  const auto item = [&](const Appointment& a) {
    const auto c = connected.find(a.id);
    return to_json(a, c == connected.end() ? 0 : c->second, count_of(recorded, a.id), count_of(photographed, a.id));
  };
  return json_response(200, page_json(rows, limit, item, [](const Appointment& a) { return a.id; }));
}

HttpResponse show(Call& call) { return json_response(200, to_json(call.db, visible_appointment(call)).dump()); }

HttpResponse cancel(Call& call) {
  auto a = visible_appointment(call);
  JsonInput in(call.request.body, {"reason"});
  const auto reason = in.text("reason", 500).value_or("");
  auto& db = call.db;
  Transaction tx(db);
  a = transition_appointment(db, a.id, AppointmentState::cancelled, call.principal.actor, reason);
  notify_appointment_change(db, *call.config, a, NotifyKind::cancellation, call.principal,
                            now_seconds());
  tx.commit();
  announce_change(call, a.id);
  return json_response(200, to_json(db, a).dump());
}

HttpResponse reschedule(Call& call) {
  auto a = visible_appointment(call);
  JsonInput in(call.request.body, {"starts_at", "duration_seconds"});
  const auto starts_at = parse_time_field("starts_at", in.required_text("starts_at", 40));
  check_start(starts_at);
  const auto duration = checked_duration(in, a.duration);
  auto& db = call.db;
  Transaction tx(db);
  a = reschedule_appointment(db, a.id, starts_at, duration, call.principal);
  notify_appointment_change(db, *call.config, a, NotifyKind::reschedule, call.principal,
                            now_seconds());
  tx.commit();
  announce_change(call, a.id);
  return json_response(200, to_json(db, a).dump());
}

HttpResponse issue_link(Call& call) {
  auto a = visible_appointment(call);
  JsonInput in(call.request.body, {"role"});
  const auto role = in.text("role", 20).value_or("customer");
  if (role != "customer" && role != "specialist")
    throw ApiError(422, "invalid_value", "'role' must be customer or specialist", "role");
  if (is_final(a.state))
    throw ApiError(409, "appointment_closed",
                   "appointment " + std::to_string(a.id) + " is " + std::string(to_string(a.state)));
  auto& db = call.db;
  Transaction tx(db);
  auto token = issue_join_token(db, a, role == "customer" ? JoinRole::customer : JoinRole::specialist,
                                call.config->lead_time, call.principal);
  tx.commit();
  nlohmann::json body = {{"appointment_id", a.id}};
  add_link(body, call, token, role == "customer" ? "customer" : "specialist");
  return json_response(201, body.dump());
}

}  // namespace

void add_appointment_routes(Router& r) {
  r.add("POST", "/api/v1/appointments", Access::signed_in, create);
  r.add("GET", "/api/v1/appointments", Access::signed_in, list);
  r.add("GET", "/api/v1/appointments/{id}", Access::signed_in, show);
  r.add("POST", "/api/v1/appointments/{id}/cancel", Access::signed_in, cancel);
  r.add("POST", "/api/v1/appointments/{id}/reschedule", Access::signed_in, reschedule);
  r.add("POST", "/api/v1/appointments/{id}/links", Access::signed_in, issue_link);
}

}  // namespace assist
