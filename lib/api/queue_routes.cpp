// /api/v1/queues: on-demand lines, their hours and members; and the public side of their entry
// link /q/<slug> (/api/v1/public/queues/{slug}), which a customer uses without signing in.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/api.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "domain/errors.h"
#include "domain/join_tokens.h"
#include "domain/queues.h"
#include "domain/users.h"
#include "domain/waiting_room.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json status_json(const QueueStatus& s) {
  return {{"state", s.state},
          {"next_opening", s.next_opening ? nlohmann::json(format_iso8601(*s.next_opening)) : nullptr},
          {"waiting", s.waiting}};
}

nlohmann::json to_json(const Call& call, const Queue& q) {
  return {{"id", q.id},
          {"slug", q.slug},
          {"name", q.name},
          {"description", q.description},
          {"hours", q.hours},
          {"timezone", q.timezone},
          {"max_waiting", q.max_waiting},
          {"accepting", q.accepting},
          {"recording_mode", q.recording_mode},
          {"entry_url", call.config->public_url + "/q/" + q.slug},
          {"status", status_json(queue_status(call.db, q, now_seconds()))},
          {"members", queue_members(call.db, q.id)},
          {"created_at", format_iso8601(q.created_at)}};
}

Queue named_queue(const Call& call) {
  auto q = find_queue_by_slug(call.db, call.params.at("slug"));
  if (!q) throw ApiError(404, "queue_not_found", "no queue '" + call.params.at("slug") + "'");
  return *q;
}

QueueFields read_fields(const JsonInput& in) {
  QueueFields f;
  f.name = in.text("name", 100);
  f.description = in.text("description", 500);
  f.hours = in.text_or_empty("hours", 200);
  f.timezone = in.text("timezone", 64);
  f.max_waiting = in.integer("max_waiting");
  f.recording_mode = in.text("recording_mode", 16);
  return f;
}

HttpResponse create(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  JsonInput in(call.request.body,
               {"slug", "name", "description", "hours", "timezone", "max_waiting", "recording_mode"});
  auto fields = read_fields(in);
  if (!fields.name) throw ApiError(422, "missing_field", "'name' is required", "name");
  auto slug = in.text("slug", 40).value_or(slug_from_name(*fields.name));
  if (slug.empty())
    throw ApiError(422, "missing_field", "give the queue a 'slug' (its link /q/<slug>): the name makes none", "slug");
  auto& db = call.db;
  Transaction tx(db);
  auto q = create_queue(db, slug, fields, call.principal);
  tx.commit();
  auto r = json_response(201, to_json(call, q).dump());
  r.headers.emplace_back("Location", "/api/v1/queues/" + q.slug);
  return r;
}

HttpResponse list(Call& call) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& q : list_queues(call.db)) items.push_back(to_json(call, q));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

HttpResponse show(Call& call) {
  const auto q = named_queue(call);
  auto body = to_json(call, q);
  nlohmann::json waiting = nlohmann::json::array();
  const auto now = now_seconds();
  for (const auto& w : waiting_in_queue(call.db, q)) {
    if (!call.principal.may_see(w.appointment)) continue;
    waiting.push_back({{"appointment_id", w.appointment.id},
                       {"customer_name", w.appointment.customer_name},
                       {"position", w.position},
                       {"waited_seconds", now - w.appointment.waiting_since.value_or(now)}});
  }
  body["waiting_customers"] = std::move(waiting);
  return json_response(200, body.dump());
}

HttpResponse update(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  auto q = named_queue(call);
  JsonInput in(call.request.body, {"name", "description", "hours", "timezone", "max_waiting", "recording_mode"});
  auto& db = call.db;
  Transaction tx(db);
  q = update_queue(db, q, read_fields(in), call.principal);
  tx.commit();
  return json_response(200, to_json(call, q).dump());
}

HttpResponse open(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  auto q = named_queue(call);
  QueueFields fields;
  fields.accepting = true;
  auto& db = call.db;
  Transaction tx(db);
  q = update_queue(db, q, fields, call.principal);
  tx.commit();
  return json_response(200, to_json(call, q).dump());
}

HttpResponse close(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  const auto q = named_queue(call);
  JsonInput in(call.request.body, {"message"});
  const auto sent_away = close_queue(call.db, q, in.text("message", max_closing_message_characters).value_or(""), call.principal);
  for (auto id : sent_away)
    if (call.services.appointment_changed) call.services.appointment_changed(id);
  auto body = to_json(call, *find_queue_by_slug(call.db, q.slug));
  body["sent_away"] = sent_away.size();
  return json_response(200, body.dump());
}

HttpResponse assign(Call& call, bool assigned) {
  require_role(call, {Role::admin, Role::supervisor});
  const auto q = named_queue(call);
  auto& db = call.db;
  const auto& username = call.params.at("username");
  auto user = find_user(db, username);
  if (!user) throw ApiError(404, "user_not_found", "no user '" + username + "'");
  if (assigned && user->role != Role::specialist)
    throw ApiError(422, "not_a_specialist", "only specialists serve queues; '" + username + "' is " +
                                                std::string(to_string(user->role)));
  Transaction tx(db);
  assign_to_queue(db, q, user->id, user->username, assigned, call.principal);
  tx.commit();
  return json_response(200, to_json(call, q).dump());
}

// ---- public: the entry page's queue, without signing in ----

HttpResponse public_show(Call& call) {
  return json_response(200, public_queue_json(call.db, named_queue(call), now_seconds()).dump());
}

HttpResponse public_enter(Call& call) {
  const auto q = named_queue(call);
  JsonInput in(call.request.body, {"customer_name", "customer_phone", "customer_email", "locale", "reason"});
  auto customer = read_customer(in, *call.config);
  customer.reason = in.text("reason", 500);
  // Counted before the queue is asked, so that a script cannot fill it with made-up customers.
  const auto& c = *call.config;
  if (const auto wait = call.services.queue_entries.take(call.request.peer, now_seconds(),
                                                         c.queues_entries_per_address, c.queues_entry_window)) {
    spdlog::warn("QUEUE_ENTRY_LIMITED peer={} queue={} retry_after={}", call.request.peer, q.slug, *wait);
    auto r = problem_response(429, "too_many_entries",
                              "this address has joined queues too often; try again in " + format_duration(*wait));
    r.headers.emplace_back("Retry-After", std::to_string(*wait));
    return r;
  }
  try {
    auto entry = enter_queue(call.db, q, customer, call.config->lead_time, now_seconds());
    if (call.services.appointment_changed) call.services.appointment_changed(entry.appointment.id);
    return json_response(201, nlohmann::json{{"join_url", join_url(call.config->public_url, entry.token)}}.dump());
  } catch (const DomainError& e) {
    if (e.kind() != ErrorKind::conflict) throw;
    const auto s = queue_status(call.db, q, now_seconds());
    auto r = problem_response(409, e.code(), e.what());
    auto body = nlohmann::json::parse(r.body);
    body["next_opening"] = status_json(s)["next_opening"];
    r.body = body.dump();
    return r;
  }
}

}  // namespace

nlohmann::json public_queue_json(Db& db, const Queue& q, std::int64_t now) {
  const auto s = queue_status(db, q, now);
  return {{"slug", q.slug},
          {"name", q.name},
          {"description", q.description},
          {"timezone", q.timezone},
          {"state", s.state},
          {"next_opening", status_json(s)["next_opening"]}};
}

void add_queue_routes(Router& r) {
  r.add("POST", "/api/v1/queues", Access::signed_in, create);
  r.add("GET", "/api/v1/queues", Access::signed_in, list);
  r.add("GET", "/api/v1/queues/{slug}", Access::signed_in, show);
  r.add("PATCH", "/api/v1/queues/{slug}", Access::signed_in, update);
  r.add("POST", "/api/v1/queues/{slug}/open", Access::signed_in, open);
  r.add("POST", "/api/v1/queues/{slug}/close", Access::signed_in, close);
  r.add("PUT", "/api/v1/queues/{slug}/members/{username}", Access::signed_in,
        [](Call& call) { return assign(call, true); });
  r.add("DELETE", "/api/v1/queues/{slug}/members/{username}", Access::signed_in,
        [](Call& call) { return assign(call, false); });
  r.add("GET", "/api/v1/public/queues/{slug}", Access::open, public_show);
  r.add("POST", "/api/v1/public/queues/{slug}/entries", Access::open, public_enter);
}

}  // namespace assist
