// The waiting room over REST: who waits (/api/v1/waiting), admit or decline one customer, and
// "take next" of a queue (/api/v1/queues/{slug}/next), atomic across specialists.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/api.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "domain/queues.h"
#include "domain/waiting_room.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json to_json(const WaitingCustomer& w, std::int64_t now) {
  auto body = appointment_json(w.appointment);
  body["position"] = w.position;
  body["estimated_wait_seconds"] = w.estimate ? nlohmann::json(*w.estimate) : nullptr;
  body["waited_seconds"] = now - w.appointment.waiting_since.value_or(now);
  return body;
}

void announce(const Call& call, std::int64_t id) {
  if (call.services.appointment_changed) call.services.appointment_changed(id);
}

HttpResponse list(Call& call) {
  const auto now = now_seconds();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& w : waiting_customers(call.db, call.principal)) items.push_back(to_json(w, now));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

HttpResponse admit_one(Call& call) {
  const auto a = admit(call.db, visible_appointment(call), call.principal, now_seconds());
  announce(call, a.id);
  return json_response(200, appointment_json(a).dump());
}

HttpResponse decline_one(Call& call) {
  JsonInput in(call.request.body, {"message"});
  const auto message = in.text("message", max_closing_message_characters).value_or("");
  const auto a = decline(call.db, visible_appointment(call), message, call.principal);
  announce(call, a.id);
  return json_response(200, appointment_json(a).dump());
}

HttpResponse next(Call& call) {
  auto q = find_queue_by_slug(call.db, call.params.at("slug"));
  if (!q) throw ApiError(404, "queue_not_found", "no queue '" + call.params.at("slug") + "'");
  const auto& p = call.principal;
  if (p.role == Role::specialist && std::find(p.queue_ids.begin(), p.queue_ids.end(), q->id) == p.queue_ids.end())
    throw ApiError(403, "not_a_member", "you do not serve queue '" + q->slug + "'; an admin can assign you");
  auto a = take_next(call.db, *q, p, now_seconds());
  if (!a) throw ApiError(409, "queue_empty", "nobody is waiting in queue '" + q->slug + "'");
  announce(call, a->id);
  return json_response(200, appointment_json(*a).dump());
}

}  // namespace

void add_waiting_routes(Router& r) {
  r.add("GET", "/api/v1/waiting", Access::signed_in, list);
  r.add("POST", "/api/v1/appointments/{id}/admit", Access::signed_in, admit_one);
  r.add("POST", "/api/v1/appointments/{id}/decline", Access::signed_in, decline_one);
  r.add("POST", "/api/v1/queues/{slug}/next", Access::signed_in, next);
}

}  // namespace assist
