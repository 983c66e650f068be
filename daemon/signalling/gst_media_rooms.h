// MediaRooms over the GStreamer engine (pipelines/): one media::Room per call.
#pragma once

#include "signalling/media_room.h"

namespace assist::media {
class Engine;
}

namespace assist::signalling {

class GstMediaRooms : public MediaRooms {
 public:
  explicit GstMediaRooms(media::Engine& engine) : engine_(engine) {}
  std::unique_ptr<MediaRoom> open(std::int64_t appointment_id, media::RoomEvents events) override;
  std::unique_ptr<MediaRoom> open_echo(unsigned test, media::RoomEvents events) override;

 private:
  media::Engine& engine_;
};

}  // namespace assist::signalling
