// Photos taken in a call: POST /api/v1/appointments/{id}/snapshots (the raw JPEG or PNG, from
// the customer's page with its join token, or from staff; ?request= names the call's request it
// answers), GET /api/v1/appointments/{id}/snapshots, GET /api/v1/snapshots/{id} and
// GET /api/v1/snapshots/{id}/content. Photos the server takes itself come from the call
// (signalling/snapshot_handler), never from this API.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "api/api.h"
#include "api/byte_range.h"
#include "api/call_member.h"
#include "api/problem.h"
#include "audit/audit_log.h"
#include "domain/snapshots.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json to_json(const Snapshot& s) {
  return {{"id", s.id},
          {"appointment_id", s.appointment_id},
          {"participant", {{"role", to_string(s.role)}, {"name", s.name}}},
          {"source", to_string(s.source)},
          {"media_type", s.media_type},
          {"width", s.width},
          {"height", s.height},
          {"size", s.size},
          {"sha256", s.sha256},
          {"taken_at", format_iso8601(s.taken_at)},
          {"annotates", s.annotates ? nlohmann::json(*s.annotates) : nlohmann::json(nullptr)},
          {"content_url", "/api/v1/snapshots/" + std::to_string(s.id) + "/content"}};
}

// A request id as the call hands them out: short, letters and digits.
std::string request_param(const Call& call) {
  const auto request = call.query_value("request").value_or("");
  const bool plain = std::all_of(request.begin(), request.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  if (request.size() > 32 || !plain) throw ApiError(400, "invalid_request_id", "request is up to 32 letters and digits");
  return request;
}

// ?annotates=ID: the photo this one is a drawing on.
std::optional<std::int64_t> annotates_param(const Call& call) {
  const auto text = call.query_value("annotates");
  if (!text) return std::nullopt;
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
  if (ec != std::errc{} || end != text->data() + text->size() || id < 1)
    throw ApiError(400, "invalid_annotates", "annotates is the id of one of the appointment's photos");
  return id;
}

HttpResponse upload(Call& call) {
  const auto member = call_member_for(call, call.id_param("id"), "appointment");
  const auto& a = member.appointment;
  if (is_final(a.state))
    throw ApiError(409, "appointment_closed", "the appointment is " + std::string(to_string(a.state)));
  if (member.role == CallRole::customer && !a.admitted_at)
    throw ApiError(409, "not_admitted", "photos can be sent once the specialist has let you in");
  const auto request = request_param(call);
  const NewSnapshot in{a.id,         member.role, member.name, SnapshotSource::device, member.actor, call.request.body,
                       now_seconds(), annotates_param(call)};
  const auto snapshot = store_snapshot(call.db, BlobStore(call.config->snapshots_dir()), in);
  if (call.services.snapshot_stored) call.services.snapshot_stored(snapshot.id, request);
  return json_response(201, to_json(snapshot).dump());
}

HttpResponse list(Call& call) {
  const auto a = visible_appointment(call);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : list_snapshots(call.db, a.id)) items.push_back(to_json(s));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

// The snapshot {id} if the caller may see its appointment (its call's pages may too); 404 otherwise.
std::pair<Snapshot, CallMember> visible_snapshot(Call& call) {
  const auto id = call.id_param("id");
  auto s = find_snapshot(call.db, id);
  if (!s) throw ApiError(404, "snapshot_not_found", "no snapshot " + std::to_string(id));
  return {*s, call_member_for(call, s->appointment_id, "snapshot")};
}

HttpResponse show(Call& call) { return json_response(200, to_json(visible_snapshot(call).first).dump()); }

HttpResponse content(Call& call) {
  const auto [s, member] = visible_snapshot(call);
  const auto blob = BlobStore(call.config->snapshots_dir()).locate(s.sha256);
  if (!blob) throw ApiError(410, "snapshot_file_missing", "the photo's file is no longer on this server");
  auto r = file_response(call.request, blob->path, blob->size, s.media_type);
  if ((r.status == 200 || r.status == 206) && (!r.file || r.file->offset == 0)) {
    Transaction tx(call.db);  // the chain's next link, taken alone: a gallery fetches several at once
    audit_append(call.db, member.actor, "snapshot.downloaded", "appointment", std::to_string(s.appointment_id),
                 {{"snapshot_id", s.id}});
    tx.commit();
  }
  const auto name = "snapshot-" + std::to_string(s.id) + (s.media_type == "image/png" ? ".png" : ".jpg");
  r.headers.emplace_back("Content-Disposition", call.query_value("inline") == "1" ? "inline" : "attachment; filename=\"" + name + "\"");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  return r;
}

}  // namespace

void add_snapshot_routes(Router& r) {
  r.add("POST", snapshot_upload_route, Access::open, upload);
  r.add("GET", "/api/v1/appointments/{id}/snapshots", Access::signed_in, list);
  r.add("GET", "/api/v1/snapshots/{id}", Access::open, show);
  r.add("GET", "/api/v1/snapshots/{id}/content", Access::open, content);
}

}  // namespace assist
