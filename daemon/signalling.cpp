#include "signalling.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/api.h"
#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/credentials.h"
#include "domain/join_tokens.h"
#include "ice_servers.h"
#include "media_engine.h"
#include "room.h"
#include "util/crypto.h"
#include "util/time.h"

namespace assist {
namespace {

constexpr double rate_per_second = 50;
constexpr double rate_burst = 200;
constexpr int violations_before_close = 3;
constexpr std::size_t max_sdp = 32 * 1024;
constexpr std::size_t max_candidate = 1024;

struct ProtocolError {
  std::string code;
  std::string message;
};

}  // namespace

// A validated signalling message.
class Message {
 public:
  explicit Message(const std::string& text) {
    doc_ = nlohmann::json::parse(text, nullptr, false);
    if (doc_.is_discarded() || !doc_.is_object()) throw ProtocolError{"malformed", "messages are JSON objects"};
    type_ = text_field("type", 32);
  }
  const std::string& type() const { return type_; }

  std::string text_field(const char* name, std::size_t max) const {
    auto it = doc_.find(name);
    if (it == doc_.end() || !it->is_string())
      throw ProtocolError{"malformed", std::string("'") + name + "' must be a string"};
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max) throw ProtocolError{"too_large", std::string("'") + name + "' is too long"};
    return s;
  }
  std::optional<std::string> optional_text(const char* name, std::size_t max) const {
    if (!doc_.contains(name) || doc_[name].is_null()) return std::nullopt;
    return text_field(name, max);
  }
  std::int64_t integer(const char* name, std::int64_t min, std::int64_t max) const {
    auto it = doc_.find(name);
    if (it == doc_.end() || !it->is_number_integer())
      throw ProtocolError{"malformed", std::string("'") + name + "' must be an integer"};
    auto v = it->get<std::int64_t>();
    if (v < min || v > max) throw ProtocolError{"malformed", std::string("'") + name + "' is out of range"};
    return v;
  }
  bool has(const char* name) const { return doc_.contains(name) && !doc_[name].is_null(); }
  bool flag(const char* name) const {
    if (!has(name)) return false;
    if (!doc_[name].is_boolean()) throw ProtocolError{"malformed", std::string("'") + name + "' must be true or false"};
    return doc_[name].get<bool>();
  }

 private:
  nlohmann::json doc_;
  std::string type_;
};

struct SignallingHub::Connection {
  std::shared_ptr<SignallingPeer> peer;
  std::string cookie_session;
  std::string peer_address;
  bool greeted = false;
  bool watching = false;  // a console following appointment changes, not in a call
  std::string participant;
  std::int64_t appointment_id = 0;
  std::string role;  // customer, specialist, supervisor
  std::string actor;
  std::string token_hash;
  std::optional<std::int64_t> user_id;
  std::int64_t participant_row = 0;
  double tokens = rate_burst;
  std::chrono::steady_clock::time_point refilled = std::chrono::steady_clock::now();
  bool limited = false;
  int violations = 0;
};

struct SignallingHub::Call {
  std::int64_t appointment_id = 0;
  std::shared_ptr<media::Room> room;
  std::map<std::string, Connection*> members;  // by participant id
};

SignallingHub::SignallingHub(Db& db, std::function<std::shared_ptr<const Config>()> config,
                             media::Engine& media)
    : db_(db), config_(std::move(config)), media_(media) {}

SignallingHub::~SignallingHub() {
  for (auto& [id, call] : calls_) call->room->close();
}

void SignallingHub::on_open(const std::shared_ptr<SignallingPeer>& peer, const HttpRequest& upgrade) {
  auto c = std::make_unique<Connection>();
  c->peer = peer;
  c->cookie_session = request_cookie(upgrade, "assist_session");
  c->peer_address = upgrade.peer;
  connections_[peer.get()] = std::move(c);
}

void SignallingHub::on_message(const std::shared_ptr<SignallingPeer>& peer, const std::string& text) {
  auto it = connections_.find(peer.get());
  if (it == connections_.end()) return;
  Connection& c = *it->second;

  // Token bucket: a flood is answered once, then dropped; repeated floods close the connection.
  const auto now = std::chrono::steady_clock::now();
  c.tokens = std::min(rate_burst, c.tokens + std::chrono::duration<double>(now - c.refilled).count() * rate_per_second);
  c.refilled = now;
  if (c.tokens < 1) {
    if (!c.limited) {
      c.limited = true;
      error(c, "rate_limited", "too many messages; slow down");
      if (++c.violations >= violations_before_close) {
        spdlog::warn("SIGNAL_FLOOD_CLOSED peer={} participant={}", c.peer_address, c.participant);
        c.peer->close("rate limit exceeded");
      }
    }
    return;
  }
  c.tokens -= 1;
  c.limited = false;

  try {
    Message m(text);
    if (m.type() == "hello") return hello(c, m);
    if (!c.greeted) throw ProtocolError{"hello_required", "send hello first"};
    if (m.type() == "offer" || m.type() == "answer" || m.type() == "ice") return relay(c, m.type(), m);
    if (m.type() == "end") return end_call(c);
    if (m.type() == "ping") return c.peer->send(R"({"type":"pong"})");
    throw ProtocolError{"unknown_type", "unknown message type '" + m.type() + "'"};
  } catch (const ProtocolError& e) {
    error(c, e.code, e.message);
  }
}

void SignallingHub::on_close(const std::shared_ptr<SignallingPeer>& peer) {
  auto it = connections_.find(peer.get());
  if (it == connections_.end()) return;
  leave(*it->second, "disconnected");
  connections_.erase(it);
}

void SignallingHub::hello(Connection& c, const Message& m) {
  if (c.greeted) throw ProtocolError{"already_greeted", "hello was already sent on this connection"};
  if (m.integer("version", 0, 1000) != signalling_version) {
    error(c, "unsupported_version", "this server speaks version " + std::to_string(signalling_version));
    return c.peer->close("unsupported version");
  }
  const auto config = config_();
  const auto now = now_seconds();
  std::optional<Appointment> appointment;
  if (auto token = m.optional_text("token", 256)) {
    auto r = resolve_join_token(db_, *token, now, config->lead_time);
    if (r.check != JoinCheck::ok) {
      static const std::map<JoinCheck, std::pair<const char*, const char*>> refusals = {
          {JoinCheck::unknown, {"invalid_token", "this link is not valid"}},
          {JoinCheck::too_early, {"too_early", "this link does not work yet"}},
          {JoinCheck::expired, {"link_expired", "this link has expired"}},
          {JoinCheck::closed, {"appointment_closed", "this appointment is over or was cancelled"}}};
      const auto& [code, text] = refusals.at(r.check);
      spdlog::warn("SIGNAL_JOIN_REFUSED peer={} code={}", c.peer_address, code);
      if (r.appointment) {
        Transaction tx(db_);
        audit_append(db_, "link", "join.refused", "appointment", std::to_string(r.appointment->id),
                     {{"reason", code}, {"peer", c.peer_address}});
        tx.commit();
      }
      error(c, code, text);
      return c.peer->close(code);
    }
    appointment = r.appointment;
    {
      Transaction tx(db_);
      if (auto notification = record_join_token_opened(db_, *token, now))
        audit_append(db_, "link", "notification.opened", "notification", std::to_string(*notification),
                     {{"appointment", appointment->id}});
      tx.commit();
    }
    c.role = r.role == JoinRole::customer ? "customer" : "specialist";
    c.token_hash = sha256_hex(*token);
    c.actor = "link:" + c.role;
  } else {
    auto user = c.cookie_session.empty() ? std::nullopt : resolve_session(db_, c.cookie_session, now);
    if (!user) {
      error(c, "authentication_required", "send a join token or sign in first");
      return c.peer->close("authentication required");
    }
    if (m.flag("watch")) return watch(c, *user);
    const auto id = m.integer("appointment_id", 1, INT64_MAX);
    appointment = find_appointment(db_, id);
    if (!appointment || (user->role == Role::specialist && appointment->specialist_id != user->id)) {
      error(c, "appointment_not_found", "no appointment " + std::to_string(id));
      return c.peer->close("not found");
    }
    if (is_final(appointment->state)) {
      error(c, "appointment_closed", "this appointment is over or was cancelled");
      return c.peer->close("closed");
    }
    c.role = user->role == Role::specialist ? "specialist" : "supervisor";
    c.user_id = user->id;
    c.actor = "user:" + user->username;
  }

  c.appointment_id = appointment->id;
  // The same link on a second device (or after a reload): the newer connection takes over.
  if (auto existing = calls_.find(c.appointment_id); existing != calls_.end() && !c.token_hash.empty()) {
    for (auto [id, other] : existing->second->members) {
      if (other->token_hash != c.token_hash) continue;
      error(*other, "replaced", "this link was opened on another device");
      other->peer->close("replaced by a newer connection");
      leave(*other, "replaced");
      break;
    }
  }
  Call& call = call_for(c.appointment_id);
  c.participant = "p" + std::to_string(next_participant_++);
  c.greeted = true;
  {
    Transaction tx(db_);
    db_.prepare("INSERT INTO participants (appointment_id, role, user_id, joined_at) VALUES (?, ?, ?, ?)")
        .bind(1, c.appointment_id)
        .bind(2, c.role == "customer" ? "customer" : c.role == "specialist" ? "specialist" : "supervisor")
        .bind(3, c.user_id)
        .bind(4, now)
        .run();
    c.participant_row = db_.last_insert_id();
    audit_append(db_, c.actor, "participant.joined", "appointment", std::to_string(c.appointment_id),
                 {{"participant", c.participant}, {"role", c.role}, {"peer", c.peer_address}});
    tx.commit();
  }
  call.members[c.participant] = &c;
  spdlog::info("SIGNAL_JOINED appointment={} participant={} role={}", c.appointment_id, c.participant, c.role);
  c.peer->send(nlohmann::json{{"type", "welcome"},
                              {"version", signalling_version},
                              {"participant", c.participant},
                              {"role", c.role},
                              {"appointment", {{"id", appointment->id}, {"customer_name", appointment->customer_name}}},
                              {"ice_servers", ice_servers_for(*config, c.participant, now)}}
                   .dump());
  call.room->join(c.participant);
  update_appointment(call, c.actor);
  broadcast_state(call);
  appointment_changed(c.appointment_id);
}

// A console's live view: told of every change to the appointments its user may see.
void SignallingHub::watch(Connection& c, const User& user) {
  c.greeted = true;
  c.watching = true;
  c.user_id = user.id;
  c.role = user.role == Role::specialist ? "specialist" : "supervisor";
  c.actor = "user:" + user.username;
  c.peer->send(nlohmann::json{{"type", "welcome"}, {"version", signalling_version}, {"role", c.role}, {"watching", true}}
                   .dump());
}

void SignallingHub::appointment_changed(std::int64_t appointment_id) {
  const bool watched = std::any_of(connections_.begin(), connections_.end(),
                                   [](const auto& entry) { return entry.second->watching; });
  if (!watched) return;
  const auto a = find_appointment(db_, appointment_id);
  if (!a) return;
  const auto call = calls_.find(appointment_id);
  const auto text = nlohmann::json{{"type", "appointment"},
                                   {"id", appointment_id},
                                   {"state", std::string(to_string(a->state))},
                                   {"participants", call == calls_.end() ? 0 : call->second->members.size()}}
                        .dump();
  for (auto& [peer, c] : connections_) {
    if (!c->watching || (c->role == "specialist" && a->specialist_id != c->user_id)) continue;
    c->peer->send(text);
  }
}

void SignallingHub::relay(Connection& c, const std::string& type, const Message& m) {
  auto it = calls_.find(c.appointment_id);
  if (it == calls_.end()) throw ProtocolError{"not_in_call", "this connection is not in a call"};
  auto& room = *it->second->room;
  const auto stream = m.text_field("stream", 64);
  if (type == "ice") {
    const auto mline = static_cast<unsigned>(m.integer("mline", 0, 15));
    const auto candidate = m.text_field("candidate", max_candidate);
    if (!candidate.empty() && candidate.rfind("candidate:", 0) != 0)
      throw ProtocolError{"malformed", "'candidate' must be an ICE candidate line"};
    return room.add_candidate(c.participant, stream, mline, candidate);
  }
  const auto sdp = m.text_field("sdp", max_sdp);
  if (sdp.rfind("v=0", 0) != 0) throw ProtocolError{"malformed", "'sdp' is not a session description"};
  if (type == "offer") {
    if (stream != media::Room::publish_stream) throw ProtocolError{"malformed", "offers are for the 'publish' stream"};
    return room.publish(c.participant, sdp);
  }
  if (stream.rfind("sub:", 0) != 0) throw ProtocolError{"malformed", "answers are for 'sub:' streams"};
  room.accept_answer(c.participant, stream, sdp);
}

void SignallingHub::end_call(Connection& c) {
  if (c.role == "customer") throw ProtocolError{"forbidden", "only the specialist can end the call for all"};
  auto it = calls_.find(c.appointment_id);
  if (it == calls_.end()) return;
  {
    Transaction tx(db_);
    auto a = find_appointment(db_, c.appointment_id);
    if (a && transition_allowed(a->state, AppointmentState::ended)) {
      Principal by{Role::specialist, c.user_id, c.actor, false};
      transition_appointment(db_, c.appointment_id, AppointmentState::ended, by, "ended for all");
    }
    tx.commit();
  }
  auto members = it->second->members;
  for (auto [id, member] : members) {
    member->peer->send(R"({"type":"ended","reason":"the specialist ended the call"})");
    member->peer->close("call ended");
    leave(*member, "call ended");
  }
}

void SignallingHub::leave(Connection& c, const std::string& why) {
  if (!c.greeted) return;
  c.greeted = false;
  auto it = calls_.find(c.appointment_id);
  if (it == calls_.end()) return;
  Call& call = *it->second;
  call.members.erase(c.participant);
  call.room->leave(c.participant);
  {
    Transaction tx(db_);
    db_.prepare("UPDATE participants SET left_at = ? WHERE id = ?").bind(1, now_seconds()).bind(2, c.participant_row).run();
    audit_append(db_, c.actor, "participant.left", "appointment", std::to_string(c.appointment_id),
                 {{"participant", c.participant}, {"reason", why}});
    tx.commit();
  }
  spdlog::info("SIGNAL_LEFT appointment={} participant={} reason=\"{}\"", c.appointment_id, c.participant, why);
  const auto appointment_id = c.appointment_id;
  if (call.members.empty()) {
    call.room->close();
    calls_.erase(it);
  } else {
    update_appointment(call, c.actor);
    broadcast_state(call);
  }
  appointment_changed(appointment_id);
}

// waiting while only one side is here, in_call while both are; the state machine decides.
void SignallingHub::update_appointment(Call& call, const std::string& actor) {
  bool customer = false, staff = false;
  for (auto [id, m] : call.members) (m->role == "customer" ? customer : staff) = true;
  auto a = find_appointment(db_, call.appointment_id);
  if (!a || is_final(a->state)) return;
  const auto target = customer && staff ? AppointmentState::in_call : AppointmentState::waiting;
  if (a->state == target) return;
  if (a->state == AppointmentState::scheduled && target == AppointmentState::in_call) {
    Transaction tx(db_);
    Principal by{Role::specialist, std::nullopt, actor, false};
    transition_appointment(db_, a->id, AppointmentState::waiting, by);
    transition_appointment(db_, a->id, AppointmentState::in_call, by);
    tx.commit();
    return;
  }
  if (!transition_allowed(a->state, target)) return;
  Transaction tx(db_);
  transition_appointment(db_, a->id, target, Principal{Role::specialist, std::nullopt, actor, false});
  tx.commit();
}

void SignallingHub::broadcast_state(Call& call) {
  auto a = find_appointment(db_, call.appointment_id);
  nlohmann::json participants = nlohmann::json::array();
  for (auto [id, m] : call.members) participants.push_back({{"id", id}, {"role", m->role}});
  const auto text = nlohmann::json{{"type", "state"},
                                   {"appointment_state", a ? std::string(to_string(a->state)) : "ended"},
                                   {"participants", participants}}
                        .dump();
  for (auto [id, m] : call.members) m->peer->send(text);
}

void SignallingHub::error(Connection& c, const std::string& code, const std::string& message) {
  spdlog::info("SIGNAL_ERROR peer={} participant={} code={} message=\"{}\"", c.peer_address, c.participant, code, message);
  c.peer->send(nlohmann::json{{"type", "error"}, {"code", code}, {"message", message}}.dump());
}

SignallingHub::Call& SignallingHub::call_for(std::int64_t appointment_id) {
  auto& slot = calls_[appointment_id];
  if (slot) return *slot;
  slot = std::make_unique<Call>();
  slot->appointment_id = appointment_id;
  media::RoomEvents events;
  events.description = [this, appointment_id](const std::string& p, const std::string& stream,
                                              const std::string& type, const std::string& sdp) {
    media_event(appointment_id, p, nlohmann::json{{"type", type}, {"stream", stream}, {"sdp", sdp}}.dump());
  };
  events.candidate = [this, appointment_id](const std::string& p, const std::string& stream, unsigned mline,
                                            const std::string& candidate) {
    media_event(appointment_id, p,
                nlohmann::json{{"type", "ice"}, {"stream", stream}, {"mline", mline}, {"candidate", candidate}}.dump());
  };
  events.connection_state = [this, appointment_id](const std::string& p, const std::string& stream,
                                                   const std::string& state) {
    media_event(appointment_id, p,
                nlohmann::json{{"type", "media"}, {"stream", stream}, {"state", state}}.dump());
  };
  events.failure = [this, appointment_id](const std::string& p, const std::string& problem) {
    media_event(appointment_id, p,
                nlohmann::json{{"type", "error"}, {"code", "media_failed"}, {"message", problem}}.dump());
  };
  slot->room = media_.create_room(std::to_string(appointment_id), std::move(events));
  return *slot;
}

void SignallingHub::media_event(std::int64_t appointment_id, const std::string& participant, std::string text) {
  auto it = calls_.find(appointment_id);
  if (it == calls_.end()) return;
  auto m = it->second->members.find(participant);
  if (m != it->second->members.end()) m->second->peer->send(std::move(text));
}

}  // namespace assist
