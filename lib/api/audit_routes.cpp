// /api/v1/audit: the hash-chained audit log and its verification.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/paging.h"
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
  const auto limit = page_limit(call);
  q.limit = static_cast<int>(limit) + 1;
  auto to_json = [](const AuditEvent& e) {
    return nlohmann::json{{"seq", e.seq},
                          {"at", format_iso8601(e.at)},
                          {"actor", e.actor},
                          {"action", e.action},
                          {"object_type", e.object_type},
                          {"object_id", e.object_id},
                          {"details", nlohmann::json::parse(e.details, nullptr, false)},
                          {"hash", e.hash}};
  };
  return json_response(200, page_json(audit_list(call.db, q), limit, to_json,
                                      [](const AuditEvent& e) { return e.seq; }));
}

HttpResponse verify(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  auto v = audit_verify(call.db);
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
