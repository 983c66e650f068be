// /api/v1 notifications: send a link, run reminders, read and retry the outbox, suspend channels.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/paging.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "domain/appointments.h"
#include "notify/compose.h"
#include "notify/outbox.h"
#include "notify/provider.h"
#include "notify/twilio_signature.h"
#include "util/crypto.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json optional_json(const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json to_json(const Notification& n) {
  return {{"id", n.id},
          {"appointment_id", optional_json(n.appointment_id)},
          {"kind", to_string(n.kind)},
          {"channel", to_string(n.channel)},
          {"recipient", n.recipient},
          {"status", to_string(n.status)},
          {"attempts", n.attempts},
          {"next_attempt_at", format_iso8601(n.next_attempt_at)},
          {"last_error", optional_json(n.last_error)},
          {"provider_id", optional_json(n.provider_id)},
          {"created_at", format_iso8601(n.created_at)},
          {"updated_at", format_iso8601(n.updated_at)},
          {"sent_at", n.sent_at ? nlohmann::json(format_iso8601(*n.sent_at)) : nlohmann::json(nullptr)},
          {"opened_at", n.opened_at ? nlohmann::json(format_iso8601(*n.opened_at)) : nlohmann::json(nullptr)}};
}

Channel channel_param(const std::string& text, const std::string& field) {
  auto c = parse_channel(text);
  if (!c)
    throw ApiError(422, "unknown_channel", "unknown channel '" + text + "': use email, sms or webhook",
                   field);
  return *c;
}

HttpResponse send_link_route(Call& call) {
  auto& db = call.db;
  const auto a = visible_appointment(call);
  JsonInput in(call.request.body, {"via"});
  const auto channel = channel_param(in.required_text("via", 20), "via");
  Transaction tx(db);
  auto n = send_link(db, *call.config, a, channel, call.principal, now_seconds());
  tx.commit();
  auto r = json_response(201, to_json(n).dump());
  r.headers.emplace_back("Location", "/api/v1/notifications/" + std::to_string(n.id));
  return r;
}

HttpResponse list(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  std::optional<NotifyStatus> status;
  if (auto text = call.query_value("status")) {
    status = parse_notify_status(*text);
    if (!status) throw ApiError(400, "bad_query", "unknown status '" + *text + "'", "status");
  }
  const auto limit = page_limit(call);
  auto rows = list_notifications(call.db, status, page_cursor(call), static_cast<int>(limit) + 1);
  return json_response(200, page_json(rows, limit, to_json, [](const Notification& n) { return n.id; }));
}

Notification require_notification(Call& call) {
  const auto id = call.id_param("id");
  auto n = find_notification(call.db, id);
  if (!n) throw ApiError(404, "notification_not_found", "no notification " + std::to_string(id));
  return *n;
}

HttpResponse show(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  return json_response(200, to_json(require_notification(call)).dump());
}

HttpResponse retry(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  const auto n = require_notification(call);
  auto& db = call.db;
  Transaction tx(db);
  auto queued = retry_notification(db, n.id, call.principal.actor, now_seconds());
  tx.commit();
  return json_response(200, to_json(queued).dump());
}

HttpResponse remind(Call& call) {
  require_role(call, {Role::admin});
  JsonInput in(call.request.body, {"dry_run"});
  const bool dry_run = in.boolean("dry_run").value_or(false);
  // No transaction here: run_reminders renders without one and queues each appointment's
  // reminders in its own short one, so other writers are not held up for the whole run.
  const auto items = run_reminders(call.db, *call.config, now_seconds(), dry_run, call.principal);
  nlohmann::json out = nlohmann::json::array();
  int queued = 0;
  for (const auto& i : items) {
    if (i.outcome == "queued") ++queued;
    nlohmann::json j = {{"appointment_id", i.appointment_id},
                        {"channel", to_string(i.channel)},
                        {"recipient", i.recipient},
                        {"offset_seconds", i.offset},
                        {"send_at", format_iso8601(i.send_at)},
                        {"outcome", i.outcome},
                        {"reason", i.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(i.reason)},
                        {"notification_id", optional_json(i.notification_id)}};
    if (i.channel == Channel::sms && !i.sms_text.empty()) {
      j["sms_text"] = i.sms_text;
      j["sms_segments"] = i.sms_segments;
      j["sms_encoding"] = i.sms_encoding;
    }
    out.push_back(j);
  }
  return json_response(200, nlohmann::json{{"dry_run", dry_run}, {"queued", queued}, {"items", out}}.dump());
}

HttpResponse channels(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : channel_states(call.db)) {
    const auto problem = channel_problem(s.channel, *call.config);
    items.push_back({{"name", to_string(s.channel)},
                     {"configured", problem.empty()},
                     {"problem", problem.empty() ? nlohmann::json(nullptr) : nlohmann::json(problem)},
                     {"suspended", s.suspended_at.has_value()},
                     {"suspended_at", s.suspended_at ? nlohmann::json(format_iso8601(*s.suspended_at))
                                                     : nlohmann::json(nullptr)},
                     {"suspended_by", s.suspended_by.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(s.suspended_by)},
                     {"queued", s.queued}});
  }
  return json_response(200, nlohmann::json{{"items", items}}.dump());
}

HttpResponse set_suspended(Call& call, bool suspended) {
  require_role(call, {Role::admin});
  const auto channel = channel_param(call.params.at("name"), "name");
  auto& db = call.db;
  Transaction tx(db);
  set_channel_suspended(db, channel, suspended, call.principal.actor, now_seconds());
  tx.commit();
  return channels(call);
}

// Twilio's StatusCallback. Twilio signs the URL it was given, so the signature is checked against
// the URL we gave (status_callback_url), not the one that reached us: a proxy that rewrites the
// host or path does not break it. The per-notification token in that URL ties it to one id.
HttpResponse status_callback(Call& call) {
  const auto id = call.id_param("id");
  const auto& config = *call.config;
  const auto& auth_token = config.notify_twilio_auth_token;
  const auto token = call.query_value("token").value_or("");
  if (auth_token.empty() || !secure_equals(token, status_callback_token(config, id)))
    throw ApiError(403, "bad_callback_token", "the status callback token does not match");
  const auto fields = parse_query_pairs(call.request.body);
  if (!secure_equals(call.request.header("x-twilio-signature"),
                     twilio_signature(auth_token, status_callback_url(config, id), fields)))
    throw ApiError(403, "bad_signature",
                   "X-Twilio-Signature is missing or is not Twilio's signature of this callback "
                   "under the configured auth token");
  const auto form = parse_query(call.request.body);
  auto field = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  auto n = find_notification(call.db, id);
  if (!n) throw ApiError(404, "notification_not_found", "no notification " + std::to_string(id));
  const auto sid = field("MessageSid");
  if (n->provider_id && !sid.empty() && *n->provider_id != sid)
    throw ApiError(409, "message_sid_mismatch",
                   "the callback is for message " + sid + " but notification " + std::to_string(id) +
                       " was sent as message " + *n->provider_id);
  const auto error = field("ErrorCode").empty() ? "" : "provider error " + field("ErrorCode");
  record_delivery_status(call.db, id, field("MessageStatus"), error, now_seconds());
  return json_response(200, "{}");
}

}  // namespace

void add_notification_routes(Router& r) {
  r.add("POST", status_callback_route, Access::open, status_callback);
  r.add("POST", "/api/v1/appointments/{id}/notifications", Access::signed_in, send_link_route);
  r.add("GET", "/api/v1/notifications", Access::signed_in, list);
  r.add("GET", "/api/v1/notifications/{id}", Access::signed_in, show);
  r.add("POST", "/api/v1/notifications/{id}/retry", Access::signed_in, retry);
  r.add("POST", "/api/v1/reminders", Access::signed_in, remind);
  r.add("GET", "/api/v1/channels", Access::signed_in, channels);
  r.add("POST", "/api/v1/channels/{name}/suspend", Access::signed_in,
        [](Call& c) { return set_suspended(c, true); });
  r.add("POST", "/api/v1/channels/{name}/resume", Access::signed_in,
        [](Call& c) { return set_suspended(c, false); });
}

}  // namespace assist
