#include "signalling/message.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace assist::signalling {
namespace {

using F = FieldType;
constexpr auto in = Direction::to_server;
constexpr auto out = Direction::to_client;
constexpr std::int64_t big = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t max_sdp = 32 * 1024;
constexpr std::int64_t max_candidate = 1024;
constexpr std::int64_t max_chat_bytes = 8000;  // 2000 characters of up to 4 bytes

// What the customer's page says of its camera (camera, to the server), and staff hear (to the browser).
const std::vector<FieldSpec> camera_fields = {
    {"facing", F::text, false, 0, 16},       {"can_flip", F::boolean, true},
    {"torch", F::boolean, true},             {"torch_on", F::boolean, false},
    {"zoom", F::number, false, 1, 100},      {"zoom_max", F::number, false, 1, 100},
    {"zoom_kind", F::text, false, 0, 16},    {"control", F::boolean, true},
    {"error", F::text, false, 0, 64}};

std::vector<FieldSpec> with_participant(std::vector<FieldSpec> fields) {
  fields.insert(fields.begin(), {"participant", F::text, true, 0, 32});
  return fields;
}

const std::vector<MessageSpec> table = {
    // browser (or script) → assistd
    {"hello", in,
     {{"version", F::integer, true, 0, 1000},
      {"token", F::text, false, 0, 256},
      {"appointment_id", F::integer, false, 1, big},
      {"watch", F::boolean, false}},
     "first message: a join token, or (signed-in console) an appointment_id or watch: true"},
    {"offer", in, {{"sdp", F::text, true, 0, max_sdp}},
     "the participant's one connection: first after welcome, again for an ICE restart"},
    {"ice", in, {{"mline", F::integer, true, 0, 15}, {"candidate", F::text, true, 0, max_candidate}},
     "a trickled ICE candidate for the offer's m-line mline (\"\" ends the candidates)"},
    {"screen", in, {{"sharing", F::boolean, true}}, "the participant started or stopped sharing a screen"},
    {"devices", in, {{"audio", F::boolean, true}, {"video", F::boolean, true}},
     "the participant's microphone (audio) and camera (video) are on (true) or off (false); sent after each "
     "change and after welcome"},
    {"quality", in, {{"grade", F::text, true, 0, 8}},
     "how well the participant's browser receives the call: good, fair or poor; sent when it changes"},
    {"end", in, {}, "staff only: end the call for everyone"},
    {"leave", in, {},
     "the participant hangs up: the others see at once that it left (one whose socket closes without it "
     "is shown as reconnecting for a minute); the socket closes"},
    {"ping", in, {}, "keep-alive; answered by pong"},
    {"chat", in, {{"text", F::text, true, 0, max_chat_bytes}},
     "a chat message to everyone in the call (1 to 2000 characters once trimmed)"},
    {"typing", in, {{"active", F::boolean, true}},
     "the participant started (true) or stopped (false) typing a chat message; beyond 2 a second, dropped"},
    {"recording", in, {{"active", F::boolean, true}},
     "staff only: start (true) or stop (false) recording the call; refused when recording.mode is off "
     "(a stop, when it is always)"},
    {"recording_consent", in, {{"accept", F::boolean, true}},
     "the customer's answer when recording asked for their consent (recording.consent require)"},
    {"snapshot", in, {{"source", F::text, false, 0, 16}},
     "staff only: take a photo of the customer's camera; source device (default: the customer's page "
     "takes it, the server if it cannot) or server (a frame of the forwarded video)"},
    {"snapshot_unavailable", in, {{"request", F::text, true, 0, 32}, {"reason", F::text, false, 0, 200}},
     "the customer's page cannot take the photo it was asked for: the server takes one from the video"},
    {"location_request", in, {{"reason", F::text, false, 0, 400}},
     "staff only: ask where the customer is; their page asks them first (reason: why, shown to them)"},
    {"location", in,
     {{"request", F::text, true, 0, 32},
      {"latitude", F::number, false, -90, 90},
      {"longitude", F::number, false, -180, 180},
      {"accuracy", F::number, false, 0, 10'000'000},
      {"captured_at", F::integer, false, 0, big},
      {"error", F::text, false, 0, 32}},
     "the customer's answer to location_request: latitude, longitude (degrees, WGS 84), accuracy (metres) "
     "and captured_at (ms since 1970), or error: denied, unavailable, timeout or unsupported"},
    {"pointer", in, {{"x", F::number, false, 0, 1}, {"y", F::number, false, 0, 1}},
     "staff only: where their pointer is over the customer's video, 0..1 across and down its picture; "
     "without x and y: the pointer left it. Beyond 30 a second, dropped"},
    {"annotate", in, {{"action", F::text, true, 0, 16}, {"stroke", F::object, false}},
     "a drawing over the customer's video: action stroke (stroke: tool freehand, arrow, circle, rectangle "
     "or text; color #rrggbb; points [[x, y], …] in 0..1; text for the text tool), undo (the sender's last "
     "stroke) or clear (staff only: every stroke)"},
    {"freeze", in, {{"active", F::boolean, true}},
     "staff only: freeze the customer's picture (the customer's page takes a full-resolution photo that "
     "both sides draw on) or return to the live video; either clears the drawing"},
    {"camera_control", in,
     {{"action", F::text, true, 0, 16}, {"torch", F::boolean, false}, {"zoom", F::number, false, 1, 100}},
     "staff only: steer the customer's camera: action flip (front/rear), torch (torch: on or off) or zoom "
     "(zoom: the factor); refused when the customer's camera cannot or the customer does not allow it"},
    {"camera", in, camera_fields,
     "the customer's page: what its camera can do (facing user or environment; can_flip; torch: has one; "
     "zoom up to zoom_max, zoom_kind hardware or digital; control: whether the customer lets staff steer "
     "it; error: why the last control failed), after admission and after each change"},
    // assistd → browser
    {"welcome", out,
     {{"version", F::integer, true, 1, 1000},
      {"role", F::text, true, 0, 16},
      {"participant", F::text, false, 0, 32},
      {"name", F::text, false, 0, 400},
      {"admitted", F::boolean, false},
      {"appointment", F::object, false},
      {"ice_servers", F::array, false},
      {"watching", F::boolean, false}},
     "hello accepted; in a call, the participant's id and name as the others see them; a customer with "
     "admitted: false is in the waiting room until admitted"},
    {"waiting", out,
     {{"position", F::integer, true, 1, big},
      {"estimated_wait_seconds", F::integer, false, 0, big},
      {"queue", F::text, false, 0, 100}},
     "to a customer in the waiting room: their place in line (1: next), after every change; "
     "the estimate is absent while there is too little history"},
    {"admitted", out, {}, "the customer may now take part: send offer, chat…"},
    {"state", out,
     {{"appointment_state", F::text, true, 0, 16}, {"participants", F::array, true}},
     "who is in the call, after every change: for each, its id, role, name, sharing, audio and video "
     "(microphone and camera on), quality and reconnecting"},
    {"appointment", out,
     {{"id", F::integer, true, 1, big},
      {"state", F::text, true, 0, 16},
      {"participants", F::integer, true, 0, big},
      {"waiting", F::boolean, true}},
     "to watching consoles: an appointment they may see changed (waiting: its customer is in the waiting room)"},
    {"answer", out, {{"sdp", F::text, true, 0, max_sdp}}, "the server's answer to the participant's offer"},
    {"ice", out, {{"mline", F::integer, true, 0, 15}, {"candidate", F::text, true, 0, max_candidate}},
     "a server ICE candidate, for the offer's m-line mline"},
    {"media", out, {{"state", F::text, true, 0, 16}}, "the server side's connection state"},
    {"ended", out, {{"reason", F::text, true, 0, 32}, {"message", F::text, true, 0, 200}},
     "the call is over for everyone (reason: ended, cancelled, expired, no_show, declined, queue_closed; "
     "message: what staff wrote, for the last two); the socket closes"},
    {"error", out,
     {{"code", F::text, true, 0, 64}, {"message", F::text, true, 0, 500}, {"final", F::boolean, true}},
     "a refused message or hello; final: trying again cannot help"},
    {"pong", out, {}, "answer to ping"},
    {"echo", out,
     {{"max_kbps", F::integer, true, 1, big}, {"seconds", F::integer, true, 1, big}, {"ice_servers", F::array, true}},
     "to a network test (/ws/v1/echo), first: the video bitrate it may reach, how long it may run, and the "
     "RTCConfiguration.iceServers to test with (as in welcome)"},
    {"chat", out,
     {{"id", F::integer, true, 1, big},
      {"participant", F::text, true, 0, 32},
      {"role", F::text, true, 0, 16},
      {"name", F::text, true, 0, 400},
      {"text", F::text, true, 0, max_chat_bytes},
      {"sent_at", F::text, true, 0, 32}},
     "a chat message, to everyone in the call including its sender, as stored"},
    {"chat_history", out, {{"messages", F::array, true}},
     "right after welcome: the call's last 500 chat messages, oldest first, each as in chat"},
    {"typing", out,
     {{"participant", F::text, true, 0, 32}, {"name", F::text, true, 0, 400}, {"active", F::boolean, true}},
     "to the others in the call: a participant started or stopped typing; never stored"},
    {"recording", out,
     {{"active", F::boolean, true},
      {"by", F::text, false, 0, 400},
      {"error", F::text, false, 0, 64},
      {"mode", F::text, false, 0, 16},
      {"consent", F::text, false, 0, 16}},
     "whether the call records, to everyone after each change and to whoever joins while it records; by: "
     "the name of who started it (absent when the server did); error: recording_failed when it stopped "
     "because a file could not be written; mode (to staff, right after welcome): recording.mode, so that "
     "their page offers a record button only for on_demand; consent: asked (the customer is asked, "
     "nothing records until they accept) or refused (they said no)"},
    {"snapshot_request", out, {{"request", F::text, true, 0, 32}},
     "to the customer: take a still with the camera and upload it (POST /api/v1/appointments/{id}/snapshots"
     "?request=)"},
    {"snapshot", out,
     {{"request", F::text, false, 0, 32},
      {"id", F::integer, false, 1, big},
      {"source", F::text, false, 0, 16},
      {"width", F::integer, false, 1, big},
      {"height", F::integer, false, 1, big},
      {"name", F::text, false, 0, 400},
      {"error", F::text, false, 0, 64}},
     "to everyone in the call: a photo was stored (id, source device or server, its size, whose camera: "
     "name; request: the request it answers); to whoever asked only: error customer_left, camera_off, "
     "snapshot_failed (no picture from the video) or snapshot_not_stored"},
    {"location_request", out, {{"request", F::text, true, 0, 32}, {"by", F::text, true, 0, 400}, {"reason", F::text, false, 0, 400}},
     "to the customer: staff (by) ask where they are; the page asks them, then answers with location"},
    {"location", out,
     {{"request", F::text, false, 0, 32},
      {"id", F::integer, false, 1, big},
      {"appointment_id", F::integer, false, 1, big},
      {"status", F::text, false, 0, 16},
      {"requested_by", F::text, false, 0, 400},
      {"recorded_at", F::text, false, 0, 32},
      {"latitude", F::number, false, -90, 90},
      {"longitude", F::number, false, -180, 180},
      {"accuracy", F::number, false, 0, 10'000'000},
      {"captured_at", F::text, false, 0, 32},
      {"name", F::text, false, 0, 400},
      {"map_url", F::text, false, 0, 2048},
      {"error", F::text, false, 0, 64}},
     "to staff in the call: the customer's answer as stored, as GET /api/v1/appointments/{id}/locations "
     "lists it (status shared, with the position and, when locations.map_url is set, a link to it; denied, "
     "unavailable, timeout or unsupported); to the customer: request, id and status only; to whoever asked "
     "only: error customer_left"},
    {"pointer", out,
     {{"participant", F::text, true, 0, 32}, {"x", F::number, false, 0, 1}, {"y", F::number, false, 0, 1}},
     "to the others in the call: where a specialist's pointer is over the customer's video (none: gone)"},
    {"annotate", out,
     {{"action", F::text, true, 0, 16},
      {"participant", F::text, true, 0, 32},
      {"stroke", F::object, false},
      {"id", F::text, false, 0, 32}},
     "to everyone in the call: a stroke was drawn (stroke, with its id), undone (id) or all were cleared"},
    {"board", out, {{"strokes", F::array, true}, {"freeze", F::object, false}},
     "right after admission: the drawing so far and, while the picture is frozen, its photo (as in freeze)"},
    {"freeze", out,
     {{"active", F::boolean, true},
      {"snapshot", F::integer, false, 1, big},
      {"width", F::integer, false, 1, big},
      {"height", F::integer, false, 1, big},
      {"error", F::text, false, 0, 64}},
     "to everyone in the call: the customer's picture is frozen on photo snapshot (width x height), or live "
     "again; to whoever asked only: error customer_left, camera_off or snapshot_failed"},
    {"camera_control", out,
     {{"action", F::text, true, 0, 16},
      {"torch", F::boolean, false},
      {"zoom", F::number, false, 1, 100},
      {"by", F::text, true, 0, 400}},
     "to the customer: staff (by) steer their camera, as in camera_control; the page applies it, shows "
     "it, and sends camera"},
    {"camera", out, with_participant(camera_fields),
     "to staff: what the customer's camera can do, as the customer's page last said (also on joining)"},
};

bool has_type(const nlohmann::json& v, FieldType type) {
  switch (type) {
    case F::text: return v.is_string();
    case F::integer: return v.is_number_integer();
    case F::number: return v.is_number() && std::isfinite(v.get<double>());
    case F::boolean: return v.is_boolean();
    case F::array: return v.is_array();
    case F::object: return v.is_object();
  }
  return false;
}

const char* type_name(FieldType type) {
  switch (type) {
    case F::text: return "a string";
    case F::integer: return "an integer";
    case F::number: return "a number";
    case F::boolean: return "true or false";
    case F::array: return "an array";
    case F::object: return "an object";
  }
  return "?";
}

// "" when `doc` matches `spec`, else the problem; `code` says which error code it deserves.
std::string check_fields(const nlohmann::json& doc, const MessageSpec& spec, std::string& code) {
  code = "malformed";
  for (const auto& [name, value] : doc.items()) {
    if (name == "type") continue;
    bool known = false;
    for (const auto& f : spec.fields) known = known || f.name == name;
    if (!known) return "'" + std::string(spec.type) + "' has no member '" + name + "'";
  }
  for (const auto& f : spec.fields) {
    const std::string name(f.name);
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) {
      if (f.required) return "'" + name + "' is required";
      continue;
    }
    if (!has_type(*it, f.type)) return "'" + name + "' must be " + type_name(f.type);
    if (f.type == F::text && it->get_ref<const std::string&>().size() > static_cast<std::size_t>(f.max)) {
      code = "too_large";
      return "'" + name + "' is too long";
    }
    if (f.type == F::integer) {
      const auto v = it->get<std::int64_t>();
      if (v < f.min || v > f.max) return "'" + name + "' is out of range";
    }
    if (f.type == F::number) {
      const auto v = it->get<double>();
      if (v < static_cast<double>(f.min) || v > static_cast<double>(f.max)) return "'" + name + "' is out of range";
    }
  }
  return "";
}

}  // namespace

std::span<const MessageSpec> message_table() { return table; }

const MessageSpec* find_message(std::string_view type, Direction direction) {
  for (const auto& m : table)
    if (m.type == type && m.direction == direction) return &m;
  return nullptr;
}

Message Message::parse(const std::string& text) {
  Message m;
  m.doc_ = nlohmann::json::parse(text, nullptr, false);
  if (m.doc_.is_discarded() || !m.doc_.is_object()) throw ProtocolError("malformed", "a message is one JSON object in UTF-8");
  auto type = m.doc_.find("type");
  if (type == m.doc_.end() || !type->is_string()) throw ProtocolError("malformed", "'type' must be a string");
  m.type_ = type->get<std::string>();
  if (m.type_.size() > 32) throw ProtocolError("too_large", "'type' is too long");
  const auto* spec = find_message(m.type_, Direction::to_server);
  if (!spec) throw ProtocolError("unknown_type", "unknown message type '" + m.type_ + "'");
  std::string code;
  if (auto problem = check_fields(m.doc_, *spec, code); !problem.empty()) throw ProtocolError(code, problem);
  return m;
}

std::string Message::text(std::string_view name) const { return optional_text(name).value_or(""); }

std::optional<std::string> Message::optional_text(std::string_view name) const {
  auto it = doc_.find(name);
  if (it == doc_.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> Message::integer(std::string_view name) const {
  auto it = doc_.find(name);
  if (it == doc_.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<double> Message::number(std::string_view name) const {
  auto it = doc_.find(name);
  if (it == doc_.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

const nlohmann::json* Message::member(std::string_view name) const {
  auto it = doc_.find(name);
  return it == doc_.end() || it->is_null() ? nullptr : &*it;
}

bool Message::flag(std::string_view name) const {
  auto it = doc_.find(name);
  return it != doc_.end() && it->is_boolean() && it->get<bool>();
}

std::string check_outgoing(const nlohmann::json& message) {
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string())
    return "not an object with a string 'type'";
  const auto* spec = find_message(message["type"].get<std::string>(), Direction::to_client);
  if (!spec) return "'" + message["type"].get<std::string>() + "' is not a server message";
  std::string code;
  return check_fields(message, *spec, code);
}

std::string error_message(std::string_view code, std::string_view text, bool final) {
  // A problem text from below (GStreamer's, for one) may be longer than the table allows: cut
  // it at a character boundary.
  static const auto max_text = [] {
    for (const auto& f : find_message("error", Direction::to_client)->fields)
      if (f.name == "message") return static_cast<std::size_t>(f.max);
    return std::size_t{0};
  }();
  if (text.size() > max_text) {
    auto end = max_text;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
  }
  return nlohmann::json{{"type", "error"}, {"code", code}, {"message", text}, {"final", final}}.dump();
}

}  // namespace assist::signalling
