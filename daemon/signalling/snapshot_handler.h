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
#include "store/sqlite.h"

namespace assist::signalling {

class Hub;

// Runs `task` on the hub's thread after `delay`.
using Scheduler = std::function<void(std::chrono::milliseconds delay, std::function<void()> task)>;
// Tells the call of a photo uploaded over REST (`request`: the request it answers, or "").
using SnapshotAnnouncer = std::function<void(std::int64_t snapshot_id, const std::string& request)>;

// How long the customer's page has to upload a requested photo before the server takes one.
inline constexpr std::chrono::seconds device_snapshot_timeout{10};

SnapshotAnnouncer add_snapshot_handler(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config,
                                       Scheduler after);

}  // namespace assist::signalling
