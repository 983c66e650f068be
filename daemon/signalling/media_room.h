// What the hub and its handlers need of a call's media: the GStreamer room (pipelines/room.h)
// in assistd, a fake that writes calls down in the unit tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "room_events.h"

namespace assist::signalling {

class MediaRoom {
 public:
  virtual ~MediaRoom() = default;
  // `role` is "customer", "specialist" or "supervisor": the room forwards media between the
  // latest customer and the latest specialist (or supervisor); "echo" gets its own media back.
  virtual void join(const std::string& participant, const std::string& role) = 0;
  virtual void offer(const std::string& participant, const std::string& sdp) = 0;
  virtual void add_candidate(const std::string& participant, unsigned mline, const std::string& candidate) = 0;
  virtual void leave(const std::string& participant) = 0;
  // Starts (each connection's media to a file of its own in `directory`) or stops recording.
  virtual void record(bool on, const std::string& directory) = 0;
  // Decodes one still from the participant's camera: answered by RoomEvents::still_taken.
  virtual void take_still(const std::string& participant, const std::string& request) = 0;
  virtual void close() = 0;
};

class MediaRooms {
 public:
  virtual ~MediaRooms() = default;
  // `events` are delivered on the hub's thread.
  virtual std::unique_ptr<MediaRoom> open(std::int64_t appointment_id, media::RoomEvents events) = 0;
  // A room of its own for one network test (echo_service.h), named after it.
  virtual std::unique_ptr<MediaRoom> open_echo(unsigned test, media::RoomEvents events) = 0;
};

}  // namespace assist::signalling
