// Liveness, readiness, metrics, status and the OpenAPI document.
#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

#include "api/api.h"
#include "api/problem.h"
#include "api/openapi.h"
#include "domain/appointments.h"
#include "domain/recordings.h"
#include "store/migrations.h"
#include "util/time.h"

namespace assist {
namespace {

HttpResponse healthz(Call&) { return json_response(200, R"({"status":"ok"})"); }

HttpResponse readyz(Call& call) {
  try {
    // A read proves the file opens and the schema is there; no write lock is taken, so a
    // probe never waits behind (or holds up) a writer.
    if (schema_version(call.db) != latest_schema_version()) throw StoreError("schema is not up to date");
    if (!call.db.writable()) throw StoreError("the database file or its directory is read-only");
  } catch (const std::exception& e) {
    spdlog::error("READY_CHECK_FAILED error=\"{}\"", e.what());
    return problem_response(503, "database_unavailable", "the database is not writable");
  }
  return json_response(200, R"({"status":"ready","database":"writable"})");
}

HttpResponse metrics(Call& call) {
  std::string gauges =
      "# HELP assist_appointments Appointments by state.\n"
      "# TYPE assist_appointments gauge\n";
  for (const auto& [state, n] : count_appointments_by_state(call.db))
    gauges += "assist_appointments{state=\"" + state + "\"} " + std::to_string(n) + "\n";
  gauges +=
      "# HELP assist_recordings Recording files by state (failed: the disk refused them).\n"
      "# TYPE assist_recordings gauge\n";
  for (const auto& [state, n] : count_recordings_by_state(call.db))
    gauges += "assist_recordings{state=\"" + std::string(to_string(state)) + "\"} " + std::to_string(n) + "\n";
  gauges +=
      "# HELP assist_build_info Build information.\n"
      "# TYPE assist_build_info gauge\n"
      "assist_build_info{version=\"" + call.services.version + "\"} 1\n"
      "# HELP assist_start_time_seconds When the daemon started, as a Unix time.\n"
      "# TYPE assist_start_time_seconds gauge\n"
      "assist_start_time_seconds " + std::to_string(call.services.started_at) + "\n";
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = call.services.metrics.render(gauges);
  return r;
}

HttpResponse openapi(Call&) { return json_response(200, std::string(openapi_document())); }

HttpResponse status(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  nlohmann::json by_state = nlohmann::json::object();
  for (const auto& [state, n] : count_appointments_by_state(call.db)) by_state[state] = n;
  const auto now = now_seconds();
  nlohmann::json body = {{"version", call.services.version},
                         {"started_at", format_iso8601(call.services.started_at)},
                         {"uptime_seconds", now - call.services.started_at},
                         {"schema_version", schema_version(call.db)},
                         {"database", call.db.path()},
                         {"appointments", by_state}};
  return json_response(200, body.dump());
}

}  // namespace

void add_health_routes(Router& r) {
  r.add("GET", "/healthz", Access::open, healthz);
  r.add("GET", "/readyz", Access::open, readyz);
  r.add("GET", "/metrics", Access::open, metrics);
  r.add("GET", "/api/v1/openapi.json", Access::open, openapi);
  r.add("GET", "/api/v1/status", Access::signed_in, status);
}

}  // namespace assist
