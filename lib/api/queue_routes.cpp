// /api/v1/queues: named on-demand lines.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/json_input.h"
#include "domain/queues.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json to_json(const Queue& q) {
  return {{"id", q.id}, {"name", q.name}, {"description", q.description},
          {"created_at", format_iso8601(q.created_at)}};
}

HttpResponse create(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  JsonInput in(call.request.body, {"name", "description"});
  const auto name = in.required_text("name", 100);
  const auto description = in.text("description", 500).value_or("");
  auto& db = call.db;
  Transaction tx(db);
  auto q = create_queue(db, name, description, call.principal);
  tx.commit();
  return json_response(201, to_json(q).dump());
}

HttpResponse list(Call& call) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& q : list_queues(call.db)) items.push_back(to_json(q));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

}  // namespace

void add_queue_routes(Router& r) {
  r.add("POST", "/api/v1/queues", Access::signed_in, create);
  r.add("GET", "/api/v1/queues", Access::signed_in, list);
}

}  // namespace assist
