// A recording stand-in for the GStreamer media rooms (daemon/signalling/media_room.h): every
// call the hub or a handler makes is written down, and a test can make the "room" report
// events through the media::RoomEvents the hub gave it. The record outlives the room, so a
// test can still read it after the hub closed and destroyed the call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "signalling/media_room.h"

namespace assist::testing {

struct RoomCall {
  std::string what;  // "join", "offer", "add_candidate", "leave", "record", "take_still", "close"
  std::string participant;
  std::string text;  // sdp, candidate, role, (record) "on DIR" / "off", or (take_still) the request
  unsigned mline = 0;
};

struct RoomRecord {
  std::int64_t appointment_id = 0;
  media::RoomEvents events;
  std::vector<RoomCall> calls;
  bool destroyed = false;

  bool closed() const { return count("close") > 0; }
  int count(const std::string& what) const {
    int n = 0;
    for (const auto& c : calls) n += c.what == what;
    return n;
  }
  std::vector<RoomCall> of(const std::string& what) const {
    std::vector<RoomCall> out;
    for (const auto& c : calls)
      if (c.what == what) out.push_back(c);
    return out;
  }
};

class FakeMediaRoom : public signalling::MediaRoom {
 public:
  explicit FakeMediaRoom(std::shared_ptr<RoomRecord> record) : r_(std::move(record)) {}
  ~FakeMediaRoom() override { r_->destroyed = true; }
  void join(const std::string& participant, const std::string& role) override {
    r_->calls.push_back({"join", participant, role, 0});
  }
  void offer(const std::string& participant, const std::string& sdp) override {
    r_->calls.push_back({"offer", participant, sdp, 0});
  }
  void add_candidate(const std::string& participant, unsigned mline, const std::string& candidate) override {
    r_->calls.push_back({"add_candidate", participant, candidate, mline});
  }
  void leave(const std::string& participant) override { r_->calls.push_back({"leave", participant, "", 0}); }
  void record(bool on, const std::string& directory) override {
    r_->calls.push_back({"record", "", on ? "on " + directory : "off", 0});
  }
  void take_still(const std::string& participant, const std::string& request) override {
    r_->calls.push_back({"take_still", participant, request, 0});
  }
  void close() override { r_->calls.push_back({"close", "", "", 0}); }

 private:
  std::shared_ptr<RoomRecord> r_;
};

class FakeMediaRooms : public signalling::MediaRooms {
 public:
  std::unique_ptr<signalling::MediaRoom> open(std::int64_t appointment_id, media::RoomEvents events) override {
    auto record = std::make_shared<RoomRecord>();
    record->appointment_id = appointment_id;
    record->events = std::move(events);
    opened.push_back(record);
    return std::make_unique<FakeMediaRoom>(record);
  }

  std::unique_ptr<signalling::MediaRoom> open_echo(unsigned test, media::RoomEvents events) override {
    auto record = std::make_shared<RoomRecord>();
    record->appointment_id = -static_cast<std::int64_t>(test);
    record->events = std::move(events);
    echoes.push_back(record);
    return std::make_unique<FakeMediaRoom>(record);
  }

  // The room most recently opened for `appointment_id`; nullptr when none was.
  std::shared_ptr<RoomRecord> last(std::int64_t appointment_id) const {
    for (auto it = opened.rbegin(); it != opened.rend(); ++it)
      if ((*it)->appointment_id == appointment_id) return *it;
    return nullptr;
  }

  std::vector<std::shared_ptr<RoomRecord>> opened;  // in opening order
  std::vector<std::shared_ptr<RoomRecord>> echoes;  // network tests' rooms (appointment_id: -test)
};

}  // namespace assist::testing
