#include "signalling/gst_media_rooms.h"

#include "media_engine.h"
#include "room.h"

namespace assist::signalling {
namespace {

class GstMediaRoom : public MediaRoom {
 public:
  explicit GstMediaRoom(std::shared_ptr<media::Room> room) : room_(std::move(room)) {}
  ~GstMediaRoom() override { room_->close(); }

  void join(const std::string& p, const std::string& role) override { room_->join(p, role); }
  void offer(const std::string& p, const std::string& sdp) override { room_->offer(p, sdp); }
  void add_candidate(const std::string& p, unsigned mline, const std::string& candidate) override {
    room_->add_candidate(p, mline, candidate);
  }
  void leave(const std::string& p) override { room_->leave(p); }
  void record(bool on, const std::string& directory) override { room_->record(on, directory); }
  void take_still(const std::string& p, const std::string& request) override { room_->take_still(p, request); }
  void close() override { room_->close(); }

 private:
  std::shared_ptr<media::Room> room_;
};

}  // namespace

std::unique_ptr<MediaRoom> GstMediaRooms::open(std::int64_t appointment_id, media::RoomEvents events) {
  return std::make_unique<GstMediaRoom>(engine_.create_room(std::to_string(appointment_id), std::move(events)));
}

std::unique_ptr<MediaRoom> GstMediaRooms::open_echo(unsigned test, media::RoomEvents events) {
  return std::make_unique<GstMediaRoom>(engine_.create_room("echo" + std::to_string(test), std::move(events)));
}

}  // namespace assist::signalling
