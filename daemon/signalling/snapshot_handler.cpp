#include "signalling/snapshot_handler.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>

#include "domain/snapshots.h"
#include "signalling/hub.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

class Snapshots : public std::enable_shared_from_this<Snapshots> {
 public:
  Snapshots(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config, Scheduler after)
      : hub_(hub), db_(db), config_(std::move(config)), after_(std::move(after)) {}

  void request(Context& c, const Message& m) {
    if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist takes photos");
    const auto source = m.optional_text("source").value_or("device");
    if (source != "device" && source != "server")
      throw ProtocolError("invalid_message", "source is \"device\" or \"server\"");
    ask(c, source, nullptr);
  }

  void take_still(Context& c, StillDone done) { ask(c, "device", std::move(done)); }

  // The customer's page cannot take the photo (no camera access, no way to grab a frame).
  void unavailable(Context& c, const Message& m) {
    const auto id = m.text("request");
    const auto it = pending_.find(id);
    if (it == pending_.end() || it->second.customer.participant != c.participant())
      throw ProtocolError("not_asked", "no photo was asked of you");
    const auto reason = m.text("reason");
    spdlog::info("SIGNAL_SNAPSHOT_UNAVAILABLE appointment={} request={} reason=\"{}\"", c.appointment_id(), id,
                 reason);
    if (it->second.from_video) return;  // the server is already taking it (the page answered late)
    if (reason == "camera_off") {  // the customer turned it off: the video is black, and theirs to show or not
      refuse(it->second, id, "camera_off");
      pending_.erase(it);
      return;
    }
    take_from_video(id);
  }

  // A photo came over REST.
  void stored(std::int64_t snapshot_id, const std::string& request) {
    const auto snapshot = find_snapshot(db_, snapshot_id);
    if (!snapshot) return;
    const auto it = pending_.find(request);
    if (it == pending_.end() || it->second.appointment_id != snapshot->appointment_id)
      return announce(*snapshot, request);
    const auto p = it->second;
    pending_.erase(it);
    deliver(p, *snapshot, request);
  }

  void left(const std::string& participant) {
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.customer.participant == participant) {
        refuse(it->second, it->first, "customer_left");
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void closed(std::int64_t appointment_id) {
    std::erase_if(pending_, [&](const auto& p) { return p.second.appointment_id == appointment_id; });
  }

  void room_opened(std::int64_t appointment_id, media::RoomEvents& events) {
    events.still_taken = [weak = weak_from_this(), appointment_id](const std::string&, const std::string& request,
                                                                    const media::StillResult& result) {
      if (auto self = weak.lock()) self->still_taken(appointment_id, request, result);
    };
  }

 private:
  struct Pending {
    std::int64_t appointment_id = 0;
    Hub::Member customer;  // whose camera
    std::string asker;     // the staff member's participant id
    std::string actor;
    bool from_video = false;  // the server is taking it
    StillDone done;           // set: for another feature, not for the call's photos
  };

  void ask(Context& c, const std::string& source, StillDone done) {
    const auto customer = hub_.customer_in(c.appointment_id());
    if (!customer) throw ProtocolError("customer_absent", "the customer is not in the call");
    const auto id = "s" + std::to_string(++requests_);
    pending_[id] = {c.appointment_id(), *customer, c.participant(), c.actor(), false, std::move(done)};
    spdlog::info("SIGNAL_SNAPSHOT_REQUESTED appointment={} request={} source={} by={}", c.appointment_id(), id, source,
                 c.actor());
    if (source == "server") return take_from_video(id);
    hub_.send_to_member(c.appointment_id(), customer->participant,
                        nlohmann::json{{"type", "snapshot_request"}, {"request", id}}.dump());
    after_(device_snapshot_timeout, [weak = weak_from_this(), id] {
      if (auto self = weak.lock()) self->device_timed_out(id);
    });
  }

  void deliver(const Pending& p, const Snapshot& s, const std::string& request) {
    if (p.done) return p.done(&s, "");
    announce(s, request);
  }

  void device_timed_out(const std::string& id) {
    const auto it = pending_.find(id);
    if (it == pending_.end() || it->second.from_video) return;
    spdlog::info("SIGNAL_SNAPSHOT_DEVICE_TIMEOUT appointment={} request={}", it->second.appointment_id, id);
    take_from_video(id);
  }

  void take_from_video(const std::string& id) {
    auto& p = pending_.at(id);
    p.from_video = true;
    auto* room = hub_.room(p.appointment_id);
    if (!room) return static_cast<void>(pending_.erase(id));
    room->take_still(p.customer.participant, id);
  }

  void still_taken(std::int64_t appointment_id, const std::string& request, const media::StillResult& result) {
    const auto it = pending_.find(request);
    if (it == pending_.end() || it->second.appointment_id != appointment_id) return;
    const auto p = it->second;
    pending_.erase(it);
    if (!result.error.empty()) {
      spdlog::warn("SNAPSHOT_FAILED appointment={} request={} error=\"{}\"", appointment_id, request, result.error);
      return refuse(p, request, "snapshot_failed");
    }
    try {
      const NewSnapshot in{appointment_id, CallRole::customer, p.customer.name, SnapshotSource::server, p.actor,
                           result.jpeg, now_seconds(), std::nullopt};
      deliver(p, store_snapshot(db_, BlobStore(config_()->snapshots_dir()), in), request);
    } catch (const std::exception& e) {
      spdlog::error("SNAPSHOT_UNSTORED appointment={} request={} error=\"{}\"", appointment_id, request, e.what());
      refuse(p, request, "snapshot_not_stored");
    }
  }

  void announce(const Snapshot& s, const std::string& request) {
    nlohmann::json message{{"type", "snapshot"},    {"id", s.id},         {"source", to_string(s.source)},
                           {"width", s.width},      {"height", s.height}, {"name", s.name}};
    if (!request.empty()) message["request"] = request;
    spdlog::info("SIGNAL_SNAPSHOT appointment={} snapshot={} source={} width={} height={}", s.appointment_id, s.id,
                 to_string(s.source), s.width, s.height);
    hub_.send_to_call(s.appointment_id, message);
  }

  void refuse(const Pending& p, const std::string& request, const std::string& error) {
    if (p.done) return p.done(nullptr, error);
    hub_.send_to_member(p.appointment_id, p.asker,
                        nlohmann::json{{"type", "snapshot"}, {"request", request}, {"error", error}}.dump());
  }

  Hub& hub_;
  Db& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  Scheduler after_;
  std::map<std::string, Pending> pending_;         // by request id
  std::uint64_t requests_ = 0;
};

}  // namespace

SnapshotService add_snapshot_handler(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config,
                                       Scheduler after) {
  auto snapshots = std::make_shared<Snapshots>(hub, db, std::move(config), std::move(after));
  hub.handle("snapshot", [snapshots](Context& c, const Message& m) { snapshots->request(c, m); });
  hub.handle("snapshot_unavailable", [snapshots](Context& c, const Message& m) { snapshots->unavailable(c, m); });
  hub.on_leave([snapshots](const std::string& participant) { snapshots->left(participant); });
  hub.on_call_closed([snapshots](std::int64_t id) { snapshots->closed(id); });
  hub.on_room([snapshots](std::int64_t id, media::RoomEvents& events) { snapshots->room_opened(id, events); });
  return {[snapshots](std::int64_t snapshot_id, const std::string& request) { snapshots->stored(snapshot_id, request); },
          [snapshots](Context& c, StillDone done) { snapshots->take_still(c, std::move(done)); }};
}

}  // namespace assist::signalling
