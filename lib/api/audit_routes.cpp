// /api/v1/audit: the hash-chained audit log and its verification.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "audit/audit_log.h"
#include "util/time.h"

namespace assist {
namespace {

HttpResponse list(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  AuditQuery q;
  q.object_type = call.query_value("object_type");
  q.object_id = call.query_value("object_id");
  q.action = call.query_value("action");
  q.after_seq = page_cursor(call);
  q.limit = static_cast<int>(page_limit(call)) + 1;
  auto events = audit_list(call.services.db, q);
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next = nullptr;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (static_cast<int>(i) == q.limit - 1) {
      next = std::to_string(events[i - 1].seq);
      break;
    }
    const auto& e = events[i];
    items.push_back({{"seq", e.seq},
                     {"at", format_iso8601(e.at)},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"object_type", e.object_type},
                     {"object_id", e.object_id},
                     {"details", nlohmann::json::parse(e.details, nullptr, false)},
                     {"hash", e.hash}});
  }
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", next}}.dump());
}

HttpResponse verify(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  auto v = audit_verify(call.services.db);
  nlohmann::json body = {{"ok", v.ok}, {"events", v.events}};
  if (!v.ok) {
    body["first_bad_seq"] = *v.first_bad_seq;
    body["problem"] = v.problem;
  }
  return json_response(200, body.dump());
}

}  // namespace

void add_audit_routes(Router& r) {
  r.add("GET", "/api/v1/audit", Access::signed_in, list);
  r.add("GET", "/api/v1/audit/verify", Access::signed_in, verify);
}

}  // namespace assist
