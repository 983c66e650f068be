// The WebSocket signalling protocol (/ws/v1): a versioned hello authenticated by a join token or
// a console session, then offer/answer/ice relayed to the call's media room, state broadcasts
// and "end for all". Every message is validated; errors are `error` messages with stable codes.
// Runs on the daemon's Asio thread, which owns all call state; knows nothing of Beast.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "api/http.h"
#include "config/config.h"
#include "store/sqlite.h"

namespace assist {

namespace media {
class Engine;
class Room;
}  // namespace media

constexpr int signalling_version = 1;
constexpr std::size_t max_signalling_message = 64 * 1024;

// One WebSocket connection, as the hub sees it.
class SignallingPeer {
 public:
  virtual ~SignallingPeer() = default;
  virtual void send(std::string text) = 0;
  virtual void close(const std::string& reason) = 0;  // sends a close frame
};

class SignallingHub {
 public:
  SignallingHub(Db& db, std::function<std::shared_ptr<const Config>()> config, media::Engine& media);
  ~SignallingHub();

  // `upgrade` is the HTTP request that opened the WebSocket (its cookies authenticate consoles).
  void on_open(const std::shared_ptr<SignallingPeer>& peer, const HttpRequest& upgrade);
  void on_message(const std::shared_ptr<SignallingPeer>& peer, const std::string& text);
  void on_close(const std::shared_ptr<SignallingPeer>& peer);

  // Tells the consoles watching appointments that this one changed (state, participants).
  void appointment_changed(std::int64_t appointment_id);

 private:
  struct Connection;
  struct Call;

  void hello(Connection& c, const class Message& m);
  void watch(Connection& c, const struct User& user);
  void relay(Connection& c, const std::string& type, const class Message& m);
  void end_call(Connection& c);
  void leave(Connection& c, const std::string& why);
  void broadcast_state(Call& call);
  void update_appointment(Call& call, const std::string& actor);
  void error(Connection& c, const std::string& code, const std::string& message);
  Call& call_for(std::int64_t appointment_id);
  void media_event(std::int64_t appointment_id, const std::string& participant, std::string text);

  Db& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  media::Engine& media_;
  std::map<SignallingPeer*, std::unique_ptr<Connection>> connections_;
  std::map<std::int64_t, std::unique_ptr<Call>> calls_;
  std::uint64_t next_participant_ = 1;
};

}  // namespace assist
