// The signalling hub (/ws/v1): admits a connection with its hello (lib/domain/admission), keeps
// who is in which call, and routes every other message to the feature that registered for its
// type (media now; chat, files, camera… later, one handler file each). It decides nothing about
// appointments: joins, leaves and "end for all" go through lib/domain/participants.
// Runs on the daemon's Asio thread, which owns all call state; knows nothing of Beast or
// GStreamer (media goes through MediaRooms). No exception from a handler escapes: each becomes
// an `error` reply, or, for a fault, a clean leave and close.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "config/config.h"
#include "domain/participants.h"
#include "domain/users.h"
#include "signalling/endpoint.h"
#include "signalling/media_room.h"
#include "signalling/message.h"
#include "store/sqlite.h"

namespace assist::signalling {

class Hub;
struct Connection;
struct Call;

// What a handler sees of the hub while it handles one message from a participant in a call.
class Context {
 public:
  const std::string& participant() const;  // "p3"
  std::int64_t participant_id() const;      // its participants row
  std::int64_t appointment_id() const;
  CallRole role() const;
  bool is_staff() const;
  const std::string& name() const;   // as the others see it
  const std::string& actor() const;  // as the audit log names it
  Db& db();
  MediaRoom& room();
  void reply(const nlohmann::json& message);
  void send_to_others(const nlohmann::json& message);  // to everyone in the call but the sender
  // Whether the participant shares a screen, as `state` tells everyone.
  void set_sharing(bool sharing);
  // Whether its microphone and camera are on, as `state` tells everyone.
  void set_devices(bool audio, bool video);
  // How well its browser receives the call ("good", "fair", "poor"), as `state` tells everyone.
  void set_quality(const std::string& grade);
  // Ends the call for everyone: the appointment becomes ended, each participant is told.
  void end_call_for_all();

 private:
  friend class Hub;
  Context(Hub& hub, Connection& from, Call& call) : hub_(hub), from_(from), call_(call) {}
  Hub& hub_;
  Connection& from_;
  Call& call_;
};

using Handler = std::function<void(Context&, const Message&)>;
using JoinHook = std::function<void(Context&)>;                 // after the welcome
using LeaveHook = std::function<void(const std::string& participant)>;
using CallClosedHook = std::function<void(std::int64_t appointment_id)>;
// Adds a feature's own callbacks to the media events of a call's room as it opens.
using RoomHook = std::function<void(std::int64_t appointment_id, media::RoomEvents& events)>;

class Hub : public Endpoint {
 public:
  using ConfigSource = std::function<std::shared_ptr<const Config>()>;
  Hub(Db& db, ConfigSource config, MediaRooms& media);
  ~Hub() override;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // A feature takes the messages of `type` (a to_server type of the message table) sent by
  // participants in a call. hello and ping are the hub's own.
  void handle(std::string_view type, Handler handler);
  // A feature hears of each participant joining (to send them what they missed) and leaving
  // (to forget what it kept for them).
  void on_join(JoinHook hook) { join_hooks_.push_back(std::move(hook)); }
  void on_leave(LeaveHook hook) { leave_hooks_.push_back(std::move(hook)); }
  // …and of a call closing (everyone left; its media room closes).
  void on_call_closed(CallClosedHook hook) { call_closed_hooks_.push_back(std::move(hook)); }
  void on_room(RoomHook hook) { room_hooks_.push_back(std::move(hook)); }

  void on_open(const std::shared_ptr<Peer>& peer, const HttpRequest& upgrade) override;
  void on_message(const std::shared_ptr<Peer>& peer, const std::string& text) override;
  void on_close(const std::shared_ptr<Peer>& peer) override;

  // An appointment changed elsewhere (REST, the sweeper). Watching consoles that may see it are
  // told; when it has closed (cancelled, ended, expired…), its live call ends for everyone.
  void appointment_changed(std::int64_t appointment_id);

  // To everyone admitted to the appointment's call, when there is one.
  void send_to_call(std::int64_t appointment_id, const nlohmann::json& message);
  // To one member of the appointment's call ("p3"), while they are in it.
  void send_to_member(std::int64_t appointment_id, const std::string& participant, std::string text);
  // To its staff members only.
  void send_to_staff(std::int64_t appointment_id, const nlohmann::json& message);

  struct Member {
    std::string participant;  // "p3"
    std::string name;
  };
  // The customer admitted to the appointment's call who joined last (whose camera staff see);
  // nullopt when none is in it.
  std::optional<Member> customer_in(std::int64_t appointment_id) const;

  // Leaves the database refused earlier (it was locked or read-only) are written again.
  void retry_unrecorded_leaves();
  // Who is shown as reconnecting since `lost_grace` before `now` is shown as gone.
  void forget_lost(std::int64_t now);

  std::size_t calls() const { return calls_.size(); }
  // The media room of the appointment's call; nullptr when it has none.
  MediaRoom* room(std::int64_t appointment_id);
  // The daemon is stopping: every call's media closes now (recordings close their files and
  // report it), before the connections go.
  void stop_media();

 private:
  friend class Context;

  void route(Connection& c, const Message& m);
  void hello(Connection& c, const Message& m);
  void watch(Connection& c, const User& user);
  void admit(Connection& c, const Admission& admission);
  void leave(Connection& c, LeaveReason reason);
  void close_call(Call& call, const Appointment& closed);
  void enter(Call& call, Connection& c);
  void let_in(Call& call);
  void update_lines();
  void broadcast_state(Call& call);
  void notify_watchers(const Appointment& appointment);
  void refuse(Connection& c, Refusal refusal);
  void error(Connection& c, std::string_view code, std::string_view message, bool final = false);
  bool within_rate(Connection& c);
  Call& call_for(std::int64_t appointment_id);
  void media_event(std::int64_t appointment_id, const std::string& participant, std::string text);

  Db& db_;
  ConfigSource config_;
  MediaRooms& media_;
  std::map<std::string, Handler, std::less<>> handlers_;
  std::vector<JoinHook> join_hooks_;
  std::vector<LeaveHook> leave_hooks_;
  std::vector<CallClosedHook> call_closed_hooks_;
  std::vector<RoomHook> room_hooks_;
  std::map<Peer*, std::unique_ptr<Connection>> connections_;
  std::map<std::int64_t, std::unique_ptr<Call>> calls_;
  struct UnrecordedLeave {
    std::int64_t participant_id;
    LeaveReason reason;
    std::string actor;
    std::int64_t at;
  };
  std::vector<UnrecordedLeave> unrecorded_leaves_;
  std::uint64_t next_participant_ = 1;
};

}  // namespace assist::signalling
