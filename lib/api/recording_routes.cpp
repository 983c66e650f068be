// Call recordings: GET /api/v1/appointments/{id}/recordings, GET /api/v1/recordings/{id},
// GET /api/v1/recordings/{id}/content (the file, with byte ranges so a <video> can seek; one
// still being written is served up to what it holds now) and DELETE /api/v1/recordings/{id}
// (admin only: recordings are evidence). Anyone who may see the appointment may list and fetch
// its recordings; anyone else learns nothing (404).
#include <nlohmann/json.hpp>

#include <filesystem>
#include <system_error>

#include "api/api.h"
#include "api/byte_range.h"
#include "api/problem.h"
#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/recordings.h"
#include "util/time.h"

namespace assist {
namespace {

namespace fs = std::filesystem;

nlohmann::json to_json(const Recording& r) {
  auto optional = [](const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  return {{"id", r.id},
          {"appointment_id", r.appointment_id},
          {"participant", {{"id", r.participant}, {"role", to_string(r.role)}, {"name", r.name}}},
          {"state", to_string(r.state)},
          {"media_type", r.media_type},
          {"started_at", format_iso8601(r.started_at)},
          {"started_at_ms", optional(r.started_ms)},
          {"ended_at", r.ended_at ? nlohmann::json(format_iso8601(*r.ended_at)) : nlohmann::json()},
          {"duration_ms", optional(r.duration_ms)},
          {"size", optional(r.size)},
          {"sha256", r.sha256.empty() ? nlohmann::json() : nlohmann::json(r.sha256)},
          {"error", r.error.empty() ? nlohmann::json() : nlohmann::json(r.error)},
          {"content_url", "/api/v1/recordings/" + std::to_string(r.id) + "/content"}};
}

// The recording {id} if the caller may see its appointment; 404 otherwise.
Recording visible_recording(const Call& call) {
  const auto id = call.id_param("id");
  auto r = find_recording(call.db, id);
  const auto a = r ? find_appointment(call.db, r->appointment_id) : std::nullopt;
  if (!r || !a || !call.principal.may_see(*a))
    throw ApiError(404, "recording_not_found", "no recording " + std::to_string(id));
  return *r;
}

HttpResponse list(Call& call) {
  const auto a = visible_appointment(call);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : list_recordings(call.db, a.id)) items.push_back(to_json(r));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

HttpResponse show(Call& call) { return json_response(200, to_json(visible_recording(call)).dump()); }

HttpResponse content(Call& call) {
  const auto r = visible_recording(call);
  const auto path = (fs::path(call.config->recordings_dir()) / r.file).string();
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw ApiError(410, "recording_file_missing", "the recording's file is no longer on this server");
  auto response = file_response(call.request, path, size, r.media_type);
  // A download, or playback from its start: a player seeking asks for many ranges, one event is enough.
  if ((response.status == 200 || response.status == 206) && (!response.file || response.file->offset == 0)) {
    Transaction tx(call.db);  // the chain's next link, taken alone: a player asks for several ranges at once
    audit_append(call.db, call.principal.actor, "recording.downloaded", "appointment",
                 std::to_string(r.appointment_id), {{"recording_id", r.id}});
    tx.commit();
  }
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"recording-" + std::to_string(r.id) +
                                                           (r.media_type == "video/webm" ? ".webm\"" : ".mkv\""));
  return response;
}

HttpResponse remove(Call& call) {
  require_role(call, {Role::admin});
  const auto r = visible_recording(call);
  delete_recording(call.db, call.config->recordings_dir(), r.id, call.principal.actor);
  return HttpResponse{204, "application/json", "", std::nullopt, {}};
}

}  // namespace

void add_recording_routes(Router& r) {
  r.add("GET", "/api/v1/appointments/{id}/recordings", Access::signed_in, list);
  r.add("GET", "/api/v1/recordings/{id}", Access::signed_in, show);
  r.add("GET", "/api/v1/recordings/{id}/content", Access::signed_in, content);
  r.add("DELETE", "/api/v1/recordings/{id}", Access::signed_in, remove);
}

}  // namespace assist
