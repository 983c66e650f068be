#include "signalling/hub.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/api.h"
#include "domain/credentials.h"
#include "domain/errors.h"
#include "domain/waiting_room.h"
#include "ice_servers.h"
#include "signalling/rate_limit.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

constexpr double rate_per_second = 50;
constexpr double rate_burst = 200;
constexpr int violations_before_close = 3;
// How long a participant whose socket closed without `leave` is shown as reconnecting.
constexpr std::int64_t lost_grace = 60;

// Why a call ended, as the `ended` message says it: what staff said when they declined or
// closed the queue, else what the final state means.
std::pair<std::string, std::string> ended_reason(const Appointment& a) {
  if (a.closing_reason) {
    const auto fallback = *a.closing_reason == "declined" ? "the specialist cannot take this call"
                                                          : "the queue has closed";
    return {*a.closing_reason, a.closing_message && !a.closing_message->empty() ? *a.closing_message : fallback};
  }
  switch (a.state) {
    case AppointmentState::cancelled: return {"cancelled", "the appointment was cancelled"};
    case AppointmentState::expired: return {"expired", "the appointment's time is over"};
    case AppointmentState::no_show: return {"no_show", "the appointment's time is over"};
    default: return {"ended", "the call has ended"};
  }
}

}  // namespace

struct Connection {
  std::shared_ptr<Peer> peer;
  std::string cookie_session;
  std::string peer_address;
  bool greeted = false;
  std::optional<Principal> watcher;  // a console following appointment changes, not in a call
  // In a call:
  std::int64_t appointment_id = 0;
  std::string participant;  // "p3"
  CallRole role = CallRole::customer;
  std::string actor;
  std::string name;
  std::optional<std::int64_t> token_id;
  std::int64_t participant_id = 0;  // its participants row
  bool sharing = false;             // a screen
  bool audio = true, video = true;  // microphone and camera on, as the page last said
  std::string quality;              // "good", "fair", "poor"; "" until the page measured
  bool waiting = false;             // a customer in the waiting room, not admitted yet
  nlohmann::json last_place;        // the last `waiting` message it was sent
  // Flood control.
  TokenBucket bucket{rate_per_second, rate_burst};
  bool limited = false;
  int violations = 0;

  bool in_call() const { return greeted && !watcher; }
};

// A member whose socket closed without `leave` (a network drop, a closed tab): the others see
// it reconnecting until it joins again, or for lost_grace.
struct Lost {
  std::string label;
  CallRole role;
  std::string name;
  std::string actor;
  bool audio, video;
  std::int64_t since;
};

struct Call {
  std::int64_t appointment_id = 0;
  AppointmentState state = AppointmentState::waiting;  // as the last join or leave left it
  std::unique_ptr<MediaRoom> room;
  std::map<std::string, Connection*> members;  // admitted, by participant label
  std::map<std::string, Connection*> lobby;    // customers waiting to be admitted
  std::vector<Lost> lost;

  bool empty() const { return members.empty() && lobby.empty(); }
};

// ---- Context ----

const std::string& Context::participant() const { return from_.participant; }
std::int64_t Context::participant_id() const { return from_.participant_id; }
std::int64_t Context::appointment_id() const { return call_.appointment_id; }
CallRole Context::role() const { return from_.role; }
bool Context::is_staff() const { return assist::is_staff(from_.role); }
const std::string& Context::name() const { return from_.name; }
const std::string& Context::actor() const { return from_.actor; }
Db& Context::db() { return hub_.db_; }
MediaRoom& Context::room() { return *call_.room; }
void Context::reply(const nlohmann::json& message) { from_.peer->send(message.dump()); }

void Context::set_sharing(bool sharing) {
  if (from_.sharing == sharing) return;
  from_.sharing = sharing;
  hub_.broadcast_state(call_);
}

void Context::set_devices(bool audio, bool video) {
  if (from_.audio == audio && from_.video == video) return;
  from_.audio = audio;
  from_.video = video;
  hub_.broadcast_state(call_);
}

void Context::set_quality(const std::string& grade) {
  if (from_.quality == grade) return;
  from_.quality = grade;
  hub_.broadcast_state(call_);
}

void Context::send_to_others(const nlohmann::json& message) {
  const auto text = message.dump();
  for (auto [label, member] : call_.members)
    if (member != &from_) member->peer->send(text);
}

void Context::end_call_for_all() {
  const auto a = end_for_all(hub_.db_, call_.appointment_id, from_.actor);
  hub_.close_call(call_, a);
  hub_.notify_watchers(a);
}

// ---- Hub ----

Hub::Hub(Db& db, ConfigSource config, MediaRooms& media)
    : db_(db), config_(std::move(config)), media_(media) {}

Hub::~Hub() {
  for (auto& [id, call] : calls_) call->room->close();
}

void Hub::handle(std::string_view type, Handler handler) {
  if (!find_message(type, Direction::to_server) || type == "hello" || type == "ping" || type == "leave")
    throw std::logic_error("no feature can handle '" + std::string(type) + "' messages");
  if (!handlers_.emplace(std::string(type), std::move(handler)).second)
    throw std::logic_error("two features handle '" + std::string(type) + "' messages");
}

void Hub::on_open(const std::shared_ptr<Peer>& peer, const HttpRequest& upgrade) {
  auto c = std::make_unique<Connection>();
  c->peer = peer;
  c->cookie_session = request_cookie(upgrade, "assist_session");
  c->peer_address = upgrade.peer;
  connections_[peer.get()] = std::move(c);
}

void Hub::on_message(const std::shared_ptr<Peer>& peer, const std::string& text) {
  auto it = connections_.find(peer.get());
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (!within_rate(c)) return;
  try {
    route(c, Message::parse(text));
  } catch (const ProtocolError& e) {
    error(c, e.code(), e.what());
  } catch (const DomainError& e) {
    error(c, e.code(), e.what());
  } catch (const std::exception& e) {
    // A fault (the database refused, a handler broke): the connection leaves cleanly rather
    // than stay half-joined; the page joins again by itself.
    spdlog::error("SIGNAL_HANDLER_FAILED peer={} participant={} error=\"{}\"", c.peer_address, c.participant,
                  e.what());
    error(c, "internal", "the server could not handle this message; join again");
    leave(c, LeaveReason::error);
    c.peer->close("internal error");
  }
}

void Hub::on_close(const std::shared_ptr<Peer>& peer) {
  auto it = connections_.find(peer.get());
  if (it == connections_.end()) return;
  leave(*it->second, LeaveReason::disconnected);
  connections_.erase(it);
}

// Token bucket: a flood is answered once, then dropped; repeated floods close the connection.
bool Hub::within_rate(Connection& c) {
  if (c.bucket.take()) {
    c.limited = false;
    return true;
  }
  if (!c.limited) {
    c.limited = true;
    error(c, "rate_limited", "too many messages; slow down");
    if (++c.violations >= violations_before_close) {
      spdlog::warn("SIGNAL_FLOOD_CLOSED peer={} participant={}", c.peer_address, c.participant);
      c.peer->close("rate limit exceeded");
    }
  }
  return false;
}

void Hub::route(Connection& c, const Message& m) {
  if (m.type() == "hello") return hello(c, m);
  if (!c.greeted) throw ProtocolError("hello_required", "send hello first");
  if (m.type() == "ping") return c.peer->send(R"({"type":"pong"})");
  if (m.type() == "leave") {
    leave(c, LeaveReason::hung_up);
    return c.peer->close("left the call");
  }
  auto handler = handlers_.find(m.type());
  if (handler == handlers_.end())
    throw ProtocolError("unknown_type", "no feature handles '" + m.type() + "' messages");
  auto call = calls_.find(c.appointment_id);
  if (!c.in_call() || call == calls_.end()) throw ProtocolError("not_in_call", "this connection is not in a call");
  if (c.waiting) throw ProtocolError("not_admitted", "the specialist has not let you in yet; wait for 'admitted'");
  Context context(*this, c, *call->second);
  handler->second(context, m);
}

void Hub::hello(Connection& c, const Message& m) {
  if (c.greeted) throw ProtocolError("already_greeted", "hello was already sent on this connection");
  if (m.integer("version") != protocol_version) {
    error(c, "unsupported_version", "this server speaks version " + std::to_string(protocol_version), true);
    return c.peer->close("unsupported version");
  }
  const auto now = now_seconds();
  AdmissionResult result;
  if (auto token = m.optional_text("token")) {
    result = admit_with_token(db_, *token, now, config_()->lead_time, c.peer_address);
  } else {
    auto user = c.cookie_session.empty() ? std::nullopt : resolve_session(db_, c.cookie_session, now);
    if (user && m.flag("watch")) return watch(c, *user);
    const auto id = m.integer("appointment_id");
    if (user && !id) throw ProtocolError("malformed", "'appointment_id' is required");
    result = admit_with_session(db_, user, id.value_or(0));
  }
  if (!result.admission) return refuse(c, result.refusal);
  admit(c, *result.admission);
}

void Hub::refuse(Connection& c, Refusal refusal) {
  const auto& r = describe(refusal);
  spdlog::warn("SIGNAL_JOIN_REFUSED peer={} code={}", c.peer_address, r.code);
  error(c, r.code, r.message, true);
  c.peer->close(std::string(r.code));
}

void Hub::admit(Connection& c, const Admission& admission) {
  const auto id = admission.appointment.id;
  const auto label = "p" + std::to_string(next_participant_++);
  const auto joined = join_call(db_, admission, label, c.peer_address, now_seconds());
  // The same link on a second device (or after a reload): the newer connection takes over,
  // once it is in (a join the database refused leaves the older one connected).
  auto appointment = joined.appointment;
  if (auto existing = calls_.find(id); existing != calls_.end() && admission.token_id) {
    Connection* older = nullptr;
    for (const auto* people : {&existing->second->members, &existing->second->lobby})
      for (auto [other_label, other] : *people)
        if (other->token_id == admission.token_id) older = other;
    if (older) {
      error(*older, "replaced", "this link was opened on another device", true);
      older->peer->close("replaced by a newer connection");
      leave(*older, LeaveReason::replaced);
      appointment = find_appointment(db_, id).value_or(appointment);  // as the leave left it
    }
  }
  c.greeted = true;
  c.appointment_id = id;
  c.participant = label;
  c.role = admission.role;
  c.actor = admission.actor;
  c.name = admission.name;
  c.token_id = admission.token_id;
  c.participant_id = joined.participant_id;
  Call& call = call_for(id);
  call.state = appointment.state;
  c.waiting = !appointment.admitted_at;
  spdlog::info("SIGNAL_JOINED appointment={} participant={} role={} admitted={}", id, label, to_string(c.role),
               !c.waiting);
  c.peer->send(nlohmann::json{{"type", "welcome"},
                              {"version", protocol_version},
                              {"participant", label},
                              {"role", to_string(c.role)},
                              {"name", c.name},
                              {"admitted", !c.waiting},
                              {"appointment", {{"id", id}, {"customer_name", admission.appointment.customer_name}}},
                              {"ice_servers", ice_servers_for(*config_(), label, now_seconds())}}
                   .dump());
  if (c.waiting) {
    call.lobby[label] = &c;
    update_lines();
  } else {
    enter(call, c);
    let_in(call);  // staff joining admits whoever waits
    broadcast_state(call);
  }
  notify_watchers(appointment);
}

// An admitted participant takes part: what they missed, then media.
void Hub::enter(Call& call, Connection& c) {
  c.waiting = false;
  call.lobby.erase(c.participant);
  call.members[c.participant] = &c;
  std::erase_if(call.lost, [&c](const Lost& l) { return l.actor == c.actor; });  // back
  Context context(*this, c, call);
  for (const auto& hook : join_hooks_) hook(context);  // what the newcomer missed, right after welcome
  call.room->join(c.participant, std::string(to_string(c.role)));
}

// The appointment was admitted: everyone in its waiting room comes in.
void Hub::let_in(Call& call) {
  if (call.lobby.empty()) return;
  auto waiting = call.lobby;
  for (auto [label, c] : waiting) {
    spdlog::info("SIGNAL_ADMITTED appointment={} participant={}", call.appointment_id, label);
    c->peer->send(R"({"type":"admitted"})");
    enter(call, *c);
  }
  update_lines();
}

// Each waiting customer is told where they stand, when that changed.
void Hub::update_lines() {
  for (auto& [id, call] : calls_) {
    if (call->lobby.empty()) continue;
    const auto a = find_appointment(db_, id);
    const auto place = a ? place_in_line(db_, *a) : std::nullopt;
    nlohmann::json message = {{"type", "waiting"}, {"position", place ? place->position : 1}};
    if (place && place->estimate) message["estimated_wait_seconds"] = *place->estimate;
    if (a && a->queue) message["queue"] = *a->queue;
    for (auto [label, c] : call->lobby) {
      if (c->last_place == message) continue;
      c->last_place = message;
      c->peer->send(message.dump());
    }
  }
}

// A console's live view: told of every change to the appointments its user may see.
void Hub::watch(Connection& c, const User& user) {
  c.greeted = true;
  c.watcher = principal_for(db_, user);
  c.peer->send(nlohmann::json{{"type", "welcome"},
                              {"version", protocol_version},
                              {"role", user.role == Role::specialist ? "specialist" : "supervisor"},
                              {"watching", true}}
                   .dump());
}

void Hub::appointment_changed(std::int64_t appointment_id) {
  const bool watched = std::any_of(connections_.begin(), connections_.end(),
                                   [](const auto& entry) { return entry.second->watcher.has_value(); });
  const bool lines = std::any_of(calls_.begin(), calls_.end(), [](const auto& e) { return !e.second->lobby.empty(); });
  if (!watched && !lines && !calls_.count(appointment_id)) return;  // nobody to tell: no read
  const auto a = find_appointment(db_, appointment_id);
  if (!a) return;
  if (auto call = calls_.find(appointment_id); call != calls_.end()) {
    call->second->state = a->state;
    if (is_final(a->state)) {
      close_call(*call->second, *a);
    } else if (a->admitted_at) {
      let_in(*call->second);
      broadcast_state(*call->second);
    }
  }
  notify_watchers(*a);
  update_lines();
}

void Hub::send_to_call(std::int64_t appointment_id, const nlohmann::json& message) {
  const auto call = calls_.find(appointment_id);
  if (call == calls_.end()) return;
  const auto text = message.dump();
  for (auto [label, member] : call->second->members) member->peer->send(text);
}

void Hub::send_to_member(std::int64_t appointment_id, const std::string& participant, std::string text) {
  const auto call = calls_.find(appointment_id);
  if (call == calls_.end()) return;
  if (const auto member = call->second->members.find(participant); member != call->second->members.end())
    member->second->peer->send(std::move(text));
}

void Hub::send_to_staff(std::int64_t appointment_id, const nlohmann::json& message) {
  const auto call = calls_.find(appointment_id);
  if (call == calls_.end()) return;
  const auto text = message.dump();
  for (auto [label, member] : call->second->members)
    if (assist::is_staff(member->role)) member->peer->send(text);
}

std::optional<Hub::Member> Hub::customer_in(std::int64_t appointment_id) const {
  const auto call = calls_.find(appointment_id);
  if (call == calls_.end()) return std::nullopt;
  const Connection* latest = nullptr;
  const auto number = [](const std::string& label) { return std::stoll(label.substr(1)); };
  for (const auto& [label, member] : call->second->members)
    if (member->role == CallRole::customer && (!latest || number(label) > number(latest->participant)))
      latest = member;
  if (!latest) return std::nullopt;
  return Member{latest->participant, latest->name};
}

MediaRoom* Hub::room(std::int64_t appointment_id) {
  const auto call = calls_.find(appointment_id);
  return call == calls_.end() ? nullptr : call->second->room.get();
}

void Hub::stop_media() {
  for (auto& [id, call] : calls_)
    if (call->room) call->room->close();
}

void Hub::notify_watchers(const Appointment& a) {
  const auto call = calls_.find(a.id);
  const auto text = nlohmann::json{{"type", "appointment"},
                                   {"id", a.id},
                                   {"state", to_string(a.state)},
                                   {"participants", call == calls_.end() ? 0 : call->second->members.size() + call->second->lobby.size()},
                                   {"waiting", call != calls_.end() && !call->second->lobby.empty()}}
                        .dump();
  for (auto& [peer, c] : connections_)
    if (c->watcher && c->watcher->may_see(a)) c->peer->send(text);
}

// Everyone in the call is told it is over and leaves; the call is gone afterwards.
void Hub::close_call(Call& call, const Appointment& closed) {
  const auto [reason, message] = ended_reason(closed);
  spdlog::info("SIGNAL_CALL_CLOSED appointment={} reason={}", call.appointment_id, reason);
  const auto text = nlohmann::json{{"type", "ended"}, {"reason", reason}, {"message", message}}.dump();
  auto members = call.members;  // leave() erases from the call, and the last one the call itself
  members.insert(call.lobby.begin(), call.lobby.end());
  for (auto [label, member] : members) {
    member->peer->send(text);
    member->peer->close("call ended");
    leave(*member, LeaveReason::call_ended);
  }
}

void Hub::leave(Connection& c, LeaveReason reason) {
  if (!c.in_call()) return;
  c.greeted = false;
  auto it = calls_.find(c.appointment_id);
  if (it == calls_.end()) return;
  Call& call = *it->second;
  const bool was_waiting = c.waiting;
  call.members.erase(c.participant);
  call.lobby.erase(c.participant);
  if (!was_waiting) call.room->leave(c.participant);
  if (reason == LeaveReason::disconnected && !was_waiting)
    call.lost.push_back({c.participant, c.role, c.name, c.actor, c.audio, c.video, now_seconds()});
  for (const auto& hook : leave_hooks_) hook(c.participant);
  spdlog::info("SIGNAL_LEFT appointment={} participant={} reason=\"{}\"", c.appointment_id, c.participant,
               to_string(reason));
  std::optional<Appointment> after;
  try {
    after = leave_call(db_, c.participant_id, reason, c.actor, now_seconds());
  } catch (const std::exception& e) {
    // Gone from the call all the same; the row is closed once the database takes writes again.
    spdlog::error("SIGNAL_LEAVE_UNRECORDED participant_id={} error=\"{}\"", c.participant_id, e.what());
    unrecorded_leaves_.push_back({c.participant_id, reason, c.actor, now_seconds()});
  }
  if (after) call.state = after->state;
  if (call.empty()) {
    call.room->close();
    const auto closed = call.appointment_id;
    calls_.erase(it);
    for (const auto& hook : call_closed_hooks_) hook(closed);
  } else if (!was_waiting) {
    broadcast_state(call);
  }
  if (after) notify_watchers(*after);
  update_lines();
}

void Hub::retry_unrecorded_leaves() {
  auto pending = std::move(unrecorded_leaves_);
  unrecorded_leaves_.clear();
  for (auto& l : pending) {
    try {
      if (auto a = leave_call(db_, l.participant_id, l.reason, l.actor, l.at)) {
        if (auto call = calls_.find(a->id); call != calls_.end()) {
          call->second->state = a->state;  // those still in the call learn where it stands now
          broadcast_state(*call->second);
        }
        notify_watchers(*a);
      }
      spdlog::info("SIGNAL_LEAVE_RECORDED participant_id={}", l.participant_id);
    } catch (const std::exception&) {
      unrecorded_leaves_.push_back(std::move(l));
    }
  }
}

void Hub::forget_lost(std::int64_t now) {
  for (auto& [id, call] : calls_)
    if (std::erase_if(call->lost, [now](const Lost& l) { return l.since + lost_grace <= now; }) > 0)
      broadcast_state(*call);
}

void Hub::broadcast_state(Call& call) {
  nlohmann::json participants = nlohmann::json::array();
  for (auto [label, m] : call.members)
    participants.push_back({{"id", label},
                            {"role", to_string(m->role)},
                            {"name", m->name},
                            {"sharing", m->sharing},
                            {"audio", m->audio},
                            {"video", m->video},
                            {"quality", m->quality.empty() ? nlohmann::json() : nlohmann::json(m->quality)},
                            {"reconnecting", false}});
  const auto now = now_seconds();
  for (const auto& l : call.lost)
    participants.push_back({{"id", l.label},
                            {"role", to_string(l.role)},
                            {"name", l.name},
                            {"sharing", false},
                            {"audio", l.audio},
                            {"video", l.video},
                            {"quality", nullptr},
                            {"reconnecting", true},
                            {"away_seconds", now - l.since}});
  const auto text =
      nlohmann::json{{"type", "state"}, {"appointment_state", to_string(call.state)}, {"participants", participants}}
          .dump();
  for (auto [label, m] : call.members) m->peer->send(text);
}

void Hub::error(Connection& c, std::string_view code, std::string_view message, bool final) {
  spdlog::info("SIGNAL_ERROR peer={} participant={} code={} message=\"{}\"", c.peer_address, c.participant, code,
               message);
  c.peer->send(error_message(code, message, final));
}

Call& Hub::call_for(std::int64_t appointment_id) {
  auto& slot = calls_[appointment_id];
  if (slot) return *slot;
  slot = std::make_unique<Call>();
  slot->appointment_id = appointment_id;
  media::RoomEvents events;
  events.answer = [this, appointment_id](const std::string& p, const std::string& sdp) {
    media_event(appointment_id, p, nlohmann::json{{"type", "answer"}, {"sdp", sdp}}.dump());
  };
  events.candidate = [this, appointment_id](const std::string& p, unsigned mline, const std::string& candidate) {
    media_event(appointment_id, p, nlohmann::json{{"type", "ice"}, {"mline", mline}, {"candidate", candidate}}.dump());
  };
  events.connection_state = [this, appointment_id](const std::string& p, const std::string& state) {
    media_event(appointment_id, p, nlohmann::json{{"type", "media"}, {"state", state}}.dump());
  };
  events.failure = [this, appointment_id](const std::string& p, const std::string& code, const std::string& problem) {
    media_event(appointment_id, p, error_message(code, problem, false));
  };
  for (const auto& hook : room_hooks_) hook(appointment_id, events);
  slot->room = media_.open(appointment_id, std::move(events));
  return *slot;
}

void Hub::media_event(std::int64_t appointment_id, const std::string& participant, std::string text) {
  auto it = calls_.find(appointment_id);
  if (it == calls_.end()) return;
  auto m = it->second->members.find(participant);
  if (m != it->second->members.end()) m->second->peer->send(std::move(text));
}

}  // namespace assist::signalling
