// Files shared in a call: POST /api/v1/appointments/{id}/files (the raw bytes, ?name=) and
// GET /api/v1/files/{id} (streamed from disk, byte ranges allowed). Both take a participant's
// join token as a Bearer token (the customer's page), a console session or an API key; anyone
// else learns nothing (404).
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/byte_range.h"
#include "api/call_member.h"
#include "api/problem.h"
#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/files.h"
#include "util/file_names.h"
#include "util/time.h"

namespace assist {
namespace {

[[noreturn]] void not_found(const std::string& what) { throw ApiError(404, what + "_not_found", "no such " + what); }

HttpResponse upload(Call& call) {
  const auto caller = call_member_for(call, call.id_param("id"), "appointment");
  const auto& a = caller.appointment;
  if (is_final(a.state))
    throw ApiError(409, "appointment_closed", "the appointment is " + std::string(to_string(a.state)));
  if (caller.role == CallRole::customer && !a.admitted_at)
    throw ApiError(409, "not_admitted", "files can be shared once the specialist has let you in");
  const auto& c = *call.config;
  const FilePolicy policy{c.files_max_size, c.files_allowed_types, c.files_max_per_appointment};
  const auto message = share_file(call.db, BlobStore(c.files_dir()), policy, a.id, {caller.role, caller.name, caller.actor},
                                  call.query_value("name").value_or(""), call.request.body, now_seconds());
  if (call.services.chat_posted) call.services.chat_posted(message.id);
  const auto& f = *message.file;
  return json_response(201, nlohmann::json{{"id", f.id},
                                           {"name", f.name},
                                           {"type", f.media_type},
                                           {"size", f.size},
                                           {"message_id", message.id}}
                                .dump());
}

HttpResponse download(Call& call) {
  const auto file = find_file(call.db, call.id_param("id"));
  if (!file) not_found("file");
  const auto caller = call_member_for(call, file->appointment_id, "file");
  const auto blob = BlobStore(call.config->files_dir()).locate(file->sha256);
  if (!blob) throw std::runtime_error("file " + std::to_string(file->file.id) + " has lost its bytes");
  auto r = file_response(call.request, blob->path, blob->size, file->file.media_type);
  if (!r.file) return r;  // 416: nothing downloaded
  nlohmann::json details = {{"file_id", file->file.id}};
  if (r.status == 206)
    details["range"] = std::to_string(r.file->offset) + "-" + std::to_string(r.file->offset + r.file->length - 1);
  Transaction tx(call.db);  // the chain's next link, taken alone: downloads may run at once
  audit_append(call.db, caller.actor, "file.downloaded", "appointment", std::to_string(file->appointment_id), details);
  tx.commit();
  const bool show_inline = call.query_value("inline") == "1" && is_previewable(file->file.media_type);
  r.headers.emplace_back("Content-Disposition", content_disposition(file->file.name, show_inline));
  // Whatever it holds, it runs nothing: no scripts, no plugins, in a sandbox of its own.
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox");
  return r;
}

}  // namespace

void add_file_routes(Router& r) {
  r.add("POST", file_upload_route, Access::open, upload);
  r.add("GET", "/api/v1/files/{id}", Access::open, download);
}

}  // namespace assist
