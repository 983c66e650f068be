// /api/v1/appointments/{id}/messages: an appointment's chat, in the order it was sent.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/paging.h"
#include "domain/appointments.h"
#include "domain/chat.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json to_json(const ChatMessage& m) {
  nlohmann::json out{
      {"id", m.id},
      {"sender", {{"participant", m.sender_label}, {"role", to_string(m.sender_role)}, {"name", m.sender_name}}},
      {"text", m.text},
      {"sent_at", format_iso8601(m.sent_at)}};
  if (m.file)
    out["file"] = shared_file_json(*m.file);
  return out;
}

HttpResponse list(Call& call) {
  const auto a = visible_appointment(call);
  const auto limit = page_limit(call);
  const auto rows = list_chat(call.db, a.id, page_cursor(call), static_cast<int>(limit) + 1);
  return json_response(200, page_json(rows, limit, to_json, [](const ChatMessage& m) { return m.id; }));
}

}  // namespace

void add_message_routes(Router& r) { r.add("GET", "/api/v1/appointments/{id}/messages", Access::signed_in, list); }

}  // namespace assist
