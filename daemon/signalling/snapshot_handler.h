// snapshot: staff ask for a photo of what the customer's camera shows. The customer's page is
// asked first (snapshot_request): it takes a full-resolution still and uploads it over REST
// (api/snapshot_routes), and the daemon hands it back here to tell the call. When the page says
// it cannot (snapshot_unavailable), does not answer in time, or staff ask for source "server",
// the media side decodes a frame of the forwarded video instead (pipelines/frame_grabber.h) and
// it is stored here. Everyone in the call is told of each photo; a failure only whoever asked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "domain/snapshots.h"
#include "store/sqlite.h"

namespace assist::signalling {

class Hub;
class Context;

// Runs `task` on the hub's thread after `delay`.
using Scheduler = std::function<void(std::chrono::milliseconds delay, std::function<void()> task)>;
// Tells the call of a photo uploaded over REST (`request`: the request it answers, or "").
using SnapshotAnnouncer = std::function<void(std::int64_t snapshot_id, const std::string& request)>;

// How long the customer's page has to upload a requested photo before the server takes one.
inline constexpr std::chrono::seconds device_snapshot_timeout{10};

// Hears how a still taken for another feature went: the stored photo, or nullptr and why not
// (customer_left, camera_off, snapshot_failed, snapshot_not_stored).
using StillDone = std::function<void(const Snapshot* snapshot, const std::string& error)>;
// Takes a still of the customer's camera for the staff member `asker` (the freeze of
// board_handler), as `snapshot` does, but hands it to `done` instead of telling the call.
// Throws ProtocolError customer_absent when no customer is in the call.
using StillTaker = std::function<void(Context& asker, StillDone done)>;

struct SnapshotService {
  SnapshotAnnouncer stored;
  StillTaker take_still;
};

SnapshotService add_snapshot_handler(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config,
                                     Scheduler after);

}  // namespace assist::signalling
