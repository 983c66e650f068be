#include "room.h"

#include <gst/gst.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "element_kind.h"
#include "forwarder.h"
#include "frame_grabber.h"
#include "gst_ptr.h"
#include "pad_shortcut.h"
#include "receive_shortcut.h"
#include "recorder.h"
#include "webrtc_peer.h"

namespace assist::media {
namespace {

constexpr Role roles[] = {Role::microphone, Role::camera, Role::screen};

// webrtcbin sends a sticky "GstWebRtcBinUpdateTos" event (the DSCP mark for a transceiver's
// priority, which we leave at its default) down each sink pad. Audio and video then meet in one
// rtpfunnel, which re-sends the sticky events of whichever pad it takes a packet from: the two
// marks (same name, another mid) replace each other at every switch between audio and video and
// travel down some ten pads each time, about a tenth of the forwarding cost. Dropped here.
GstPadProbeReturn drop_tos_update(GstPad*, GstPadProbeInfo* info, gpointer) {
  const GstStructure* s = gst_event_get_structure(GST_PAD_PROBE_INFO_EVENT(info));
  return s && gst_structure_has_name(s, "GstWebRtcBinUpdateTos") ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

// webrtcbin puts a clocksync in front of each sink pad: forwarded packets are sent on as they
// arrive, and waiting for their timestamps would add the pipeline's latency to each. Tee branches
// get their shortcut after their forwarder (Room::link), which must see each packet first.
void on_element_added(GstBin*, GstBin* parent, GstElement* element, gpointer) {
  if (!factory_is(element, "tee")) add_shortcuts(element);
  if (factory_is(element, "clocksync")) {
    g_object_set(element, "sync", FALSE, nullptr);
    GstPtr<GstPad> sink(gst_element_get_static_pad(element, "sink"));
    gst_pad_add_probe(sink.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, drop_tos_update, nullptr, nullptr);
  }
  if (is_receive_queue(parent, element)) shortcut_receive_queue(element);
}

// Senders need the pipeline's latency to stamp RTCP sender reports, and it changes as
// connections come and go: recalculated on the media thread, as GStreamer asks. Errors are
// logged, and a recording's end it; nothing else is kept on the bus.
struct BusContext {
  Engine* engine;
  GstElement* pipeline;
  std::string room;
  std::weak_ptr<Room> owner;
};

GstBusSyncReply on_bus_message(GstBus*, GstMessage* message, gpointer data) {
  auto* context = static_cast<BusContext*>(data);
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_LATENCY) {
    std::shared_ptr<GstElement> pipeline(GST_ELEMENT(gst_object_ref(context->pipeline)), gst_object_unref);
    context->engine->invoke([pipeline] { gst_bin_recalculate_latency(GST_BIN(pipeline.get())); });
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* raw = nullptr;
    gst_message_parse_error(message, &raw, nullptr);
    GstPtr<GError> error(raw);
    const std::string text = error ? error->message : "?";
    spdlog::warn("MEDIA_PIPELINE_ERROR room={} from={} error=\"{}\"", context->room, GST_MESSAGE_SRC_NAME(message), text);
    std::shared_ptr<GstObject> from(GST_OBJECT(gst_object_ref(GST_MESSAGE_SRC(message))), gst_object_unref);
    context->engine->invoke([owner = context->owner, from, text] {
      if (auto room = owner.lock()) room->element_failed(from.get(), text);
    });
  }
  gst_message_unref(message);
  return GST_BUS_DROP;
}

}  // namespace

Room::Room(Engine& engine, std::string name, RoomEvents events)
    : engine_(engine), name_(std::move(name)), events_(std::move(events)) {}

std::shared_ptr<Room> Room::create(Engine& engine, std::string name, RoomEvents events) {
  std::shared_ptr<Room> room(new Room(engine, std::move(name), std::move(events)));
  auto& pipeline = room->pipeline_;
  pipeline.reset(GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new(("room-" + room->name_).c_str()))));
  g_signal_connect(pipeline.get(), "deep-element-added", G_CALLBACK(on_element_added), nullptr);
  GstPtr<GstBus> bus(gst_pipeline_get_bus(GST_PIPELINE(pipeline.get())));
  gst_bus_set_sync_handler(bus.get(), on_bus_message, new BusContext{&engine, pipeline.get(), room->name_, room},
                           +[](gpointer data) { delete static_cast<BusContext*>(data); });
  gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
  return room;
}

Room::~Room() {
  while (!branches_.empty()) unlink(branches_.front().from);
  stopping_.clear();
  members_.clear();
  if (pipeline_) gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
}

void Room::join(const std::string& participant, const std::string& role) {
  engine_.invoke([self = shared_from_this(), participant, role] {
    if (self->closed_ || self->members_.count(participant)) return;
    auto& member = self->members_[participant];
    member.order = self->joins_++;
    member.role = role;
  });
}

void Room::offer(const std::string& participant, const std::string& sdp) {
  engine_.invoke([self = shared_from_this(), participant, sdp] {
    if (self->closed_) return;
    try {
      self->do_offer(participant, sdp);
    } catch (const OfferError& e) {
      self->fail(participant, e.code, e.what());
    } catch (const std::exception& e) {
      self->fail(participant, "offer_refused", e.what());
    }
  });
}

void Room::add_candidate(const std::string& participant, unsigned mline, const std::string& candidate) {
  engine_.invoke([self = shared_from_this(), participant, mline, candidate] {
    auto p = self->peer(participant);
    if (!p || !p->plan()) return self->fail(participant, "no_offer", "an ICE candidate came before the offer");
    try {
      p->add_candidate(mline, candidate);
    } catch (const OfferError& e) {
      self->fail(participant, e.code, e.what());
    }
  });
}

void Room::leave(const std::string& participant) {
  engine_.invoke([self = shared_from_this(), participant] { self->do_leave(participant); });
}

void Room::record(bool on, const std::string& directory) {
  engine_.invoke([self = shared_from_this(), on, directory] {
    if (self->closed_ || self->recording_ == on) return;
    self->recording_ = on;
    self->recording_dir_ = directory;
    if (on) return self->record_all();
    for (auto& [id, m] : self->members_) self->stop_recording(m);
  });
}

void Room::take_still(const std::string& participant, const std::string& request) {
  engine_.invoke([self = shared_from_this(), participant, request] {
    if (!self->closed_) self->do_take_still(participant, request);
  });
}

void Room::close() {
  engine_.invoke([self = shared_from_this()] {
    if (self->closed_) return;
    self->closed_ = true;
    for (auto& grabber : std::exchange(self->grabbers_, {})) grabber->fail("the call closed");
    for (auto& [id, m] : self->members_)
      if (auto recorder = std::exchange(m.recorder, nullptr)) recorder->close();
    for (auto& recorder : std::exchange(self->stopping_, {})) recorder->close();
    while (!self->branches_.empty()) self->unlink(self->branches_.front().from);
    self->members_.clear();
    gst_element_set_state(self->pipeline_.get(), GST_STATE_NULL);
    self->pipeline_.reset();
  });
}

void Room::do_offer(const std::string& participant, const std::string& sdp) {
  auto plan = plan_offer(sdp, video_codec());
  auto [it, added] = members_.try_emplace(participant);
  if (added) it->second.order = joins_++;
  auto& member = it->second;
  // The same connection offering again (an ICE restart) keeps its webrtcbin.
  if (member.peer && member.peer->plan() && member.peer->plan()->session_id == plan.session_id)
    return member.peer->negotiate(std::move(plan));
  if (member.peer) {  // a new connection (a reload, another device) replaces the old one
    stop_recording(member);
    unlink(participant);
    member.peer.reset();
    member.connected = false;
  }
  std::weak_ptr<Room> weak = shared_from_this();
  PeerEvents events;
  events.answer = [weak, participant](const std::string& answer) {
    if (auto room = weak.lock())
      room->engine_.post([room, participant, answer] {
        if (room->events_.answer) room->events_.answer(participant, answer);
      });
  };
  events.candidate = [weak, participant](unsigned mline, const std::string& candidate) {
    if (auto room = weak.lock())
      room->engine_.post([room, participant, mline, candidate] {
        if (room->events_.candidate) room->events_.candidate(participant, mline, candidate);
      });
  };
  events.state = [weak, participant](const std::string& state) {
    auto room = weak.lock();
    if (!room || room->closed_) return;
    spdlog::debug("MEDIA_CONNECTION room={} participant={} state={}", room->name_, participant, state);
    auto it = room->members_.find(participant);
    if (state == "connected" && it != room->members_.end()) {
      if (!it->second.connected) {
        it->second.connected = true;
        room->link_all();  // linking asks the senders for a keyframe
      } else {
        room->request_keyframes(participant);  // back after an ICE restart: frames were missed
      }
    }
    room->engine_.post([room, participant, state] {
      if (room->events_.connection_state) room->events_.connection_state(participant, state);
    });
  };
  events.failure = [weak, participant](const std::string& code, const std::string& problem) {
    if (auto room = weak.lock()) room->fail(participant, code, problem);
  };
  events.ready = [weak] {
    if (auto room = weak.lock()) room->link_all();
  };
  // A sender whose first keyframe went by before its receiver was linked is asked for another.
  events.track = [weak, participant](Role role) {
    auto room = weak.lock();
    if (!room || role == Role::microphone) return;
    if (auto p = room->peer(participant)) p->request_keyframe(role);
  };
  static unsigned generation = 0;
  member.peer = WebrtcPeer::create(engine_, pipeline_.get(), name_ + "-" + participant + "-" + std::to_string(++generation),
                                   std::move(events));
  member.peer->negotiate(std::move(plan));
}

void Room::do_leave(const std::string& participant) {
  auto it = members_.find(participant);
  if (it == members_.end()) return;
  stop_recording(it->second);
  unlink(participant);
  members_.erase(it);
  spdlog::info("MEDIA_LEFT room={} participant={}", name_, participant);
  link_all();  // someone else may now be in the forwarding pair
}

std::string Room::latest(const std::string& role) const {
  const Member* found = nullptr;
  std::string id;
  for (const auto& [label, m] : members_)
    if (m.role == role && (!found || m.order > found->order)) {
      found = &m;
      id = label;
    }
  return id;
}

std::string Room::partner(const std::string& participant) const {
  if (auto it = members_.find(participant); it != members_.end() && it->second.role == "echo") return participant;
  const auto customer = latest("customer");
  auto staff = latest("specialist");
  if (staff.empty()) staff = latest("supervisor");
  if (customer.empty() || staff.empty()) return "";
  if (participant == customer) return staff;
  if (participant == staff) return customer;
  return "";
}

void Room::link_all() {
  record_all();
  unlink([this](const Branch& b) { return partner(b.to) != b.from; });
  for (const auto& [id, m] : members_) {
    const auto other = partner(id);
    if (other.empty()) continue;
    for (Role role : roles) link(other, id, role);
  }
}

void Room::link(const std::string& from, const std::string& to, Role role) {
  for (const auto& b : branches_)
    if (b.from == from && b.to == to && b.role == role) return;
  auto sender = peer(from), receiver = peer(to);
  if (!sender || !receiver || !sender->ready() || !receiver->ready() || !members_.at(to).connected) return;
  GstElement* tee = sender->source(role);
  GstPad* sink = receiver->sink(role);
  if (!tee || !sink) return;
  const auto& sent = sender->plan()->line(role)->codec.encoding;
  const auto& wanted = receiver->plan()->line(role)->codec.encoding;
  if (sent != wanted) {
    return fail(to, "codec_mismatch",
                std::string("the other participant sends ") + role_name(role) + " as " + sent +
                    ", which this connection did not offer to receive");
  }
  Branch branch{from, to, role, GstPtr<GstPad>(gst_element_request_pad_simple(tee, "src_%u")), nullptr};
  branch.forwarder = std::make_unique<Forwarder>(branch.tee_pad.get(), receiver->target(role));
  // Past the receiver's sink pad too: webrtcbin's buffer probe there only looks for an SSRC while
  // the transceiver has no m-line, and ours have theirs from the offer.
  add_shortcut(branch.tee_pad.get());
  if (gst_pad_link(branch.tee_pad.get(), sink) != GST_PAD_LINK_OK) {
    spdlog::warn("MEDIA_LINK_FAILED room={} from={} to={} role={}", name_, from, to, role_name(role));
    branch.forwarder.reset();
    gst_element_release_request_pad(tee, branch.tee_pad.get());
    return;
  }
  spdlog::info("MEDIA_FORWARD room={} from={} to={} role={} codec={}", name_, from, to, role_name(role), sent);
  if (role != Role::microphone) request_keyframe(sink);
  branches_.push_back(std::move(branch));
}

// A branch leaves its tee before either webrtcbin stops, so the flushing that stopping causes
// never reaches the sender's other branches.
void Room::unlink(const std::string& participant) {
  unlink([&participant](const Branch& b) { return b.from == participant || b.to == participant; });
}

void Room::unlink(const std::function<bool(const Branch&)>& which) {
  for (auto it = branches_.begin(); it != branches_.end();) {
    if (!which(*it)) {
      ++it;
      continue;
    }
    GstPad* tee_pad = it->tee_pad.get();
    GstPtr<GstElement> tee(gst_pad_get_parent_element(tee_pad));
    GstPtr<GstPad> peer_pad(gst_pad_get_peer(tee_pad));
    if (peer_pad) gst_pad_unlink(tee_pad, peer_pad.get());
    it->forwarder.reset();
    if (tee) gst_element_release_request_pad(tee.get(), tee_pad);
    it = branches_.erase(it);
  }
}

void Room::record_all() {
  if (!recording_) return;
  for (auto& [id, m] : members_)
    if (!m.recorder && m.connected && m.peer && m.peer->ready()) start_recording(id, m);
}

void Room::start_recording(const std::string& participant, Member& member) {
  GstElement* audio = member.peer->source(Role::microphone);
  GstElement* video = member.peer->source(Role::camera);
  if (!audio && !video) return;  // it sends nothing
  const auto* camera = member.peer->plan()->line(Role::camera);
  const std::string encoding = video && camera ? camera->codec.encoding : "";
  g_mkdir_with_parents(recording_dir_.c_str(), 0750);
  static unsigned files = 0;
  const auto path = recording_dir_ + "/" + participant + "-" + std::to_string(g_get_real_time() / 1000) + "-" +
                    std::to_string(++files) + Recorder::extension(encoding);
  std::weak_ptr<Room> weak = shared_from_this();
  auto finished = [weak, participant, path](const RecordingResult& result) {
    auto room = weak.lock();
    if (!room) return;
    spdlog::info("MEDIA_RECORDING_CLOSED room={} participant={} path={} complete={} bytes={} duration_ms={}",
                 room->name_, participant, path, result.complete, result.bytes, result.duration_ms);
    room->engine_.invoke([room, path] {  // not from inside the recorder's own call
      std::erase_if(room->stopping_, [&path](const auto& r) { return r->path() == path; });
    });
    // Reading the whole file for its digest takes a while: neither the media thread's time nor the owner's.
    room->engine_.background([room, participant, path, result = RecordingResult(result)]() mutable {
      result.sha256 = Recorder::digest(path);
      room->engine_.post([room, participant, path, result] {
        if (room->events_.recording_finished) room->events_.recording_finished(participant, path, result);
      });
    });
  };
  try {
    member.recorder = Recorder::start(engine_, pipeline_.get(), audio, video, encoding, path, std::move(finished));
  } catch (const std::exception& e) {
    spdlog::error("MEDIA_RECORDING_FAILED room={} participant={} path={} error=\"{}\"", name_, participant, path,
                  e.what());
    engine_.post([self = shared_from_this(), participant, path, error = std::string(e.what())] {
      if (!self->events_.recording_finished) return;
      RecordingResult result;
      result.error = error;
      self->events_.recording_finished(participant, path, result);
    });
    return;
  }
  spdlog::info("MEDIA_RECORDING room={} participant={} path={}", name_, participant, path);
  engine_.post([self = shared_from_this(), participant, path] {
    if (self->events_.recording_started) self->events_.recording_started(participant, path);
  });
}

void Room::stop_recording(Member& member) {
  auto recorder = std::exchange(member.recorder, nullptr);
  if (!recorder) return;
  stopping_.push_back(recorder);
  recorder->stop();
}

// A failed recording stops the call's recording: what failed one file (a full disk) would fail
// the next. The owner hears of it through recording_finished and may start again.
void Room::element_failed(GstObject* element, const std::string& error) {
  for (const auto& grabber : std::vector(grabbers_))
    if (grabber->owns(element)) grabber->fail(error);
  for (auto& [id, m] : members_)
    if (m.recorder && m.recorder->owns(element)) {
      std::exchange(m.recorder, nullptr)->fail(error);
      recording_ = false;
      for (auto& [other, o] : members_) stop_recording(o);
    }
  for (const auto& recorder : std::vector(stopping_))  // a copy: failing one may change the list
    if (recorder->owns(element)) recorder->fail(error);
}

void Room::do_take_still(const std::string& participant, const std::string& request) {
  auto it = members_.find(participant);
  GstElement* camera = it != members_.end() && it->second.connected && it->second.peer && it->second.peer->ready()
                           ? it->second.peer->source(Role::camera)
                           : nullptr;
  if (!camera) return still_taken(participant, request, {"no video from this participant", "", 0, 0});
  const auto* line = it->second.peer->plan()->line(Role::camera);
  std::weak_ptr<Room> weak = shared_from_this();
  auto done = [weak, participant, request](const StillResult& result) {
    if (auto room = weak.lock()) room->still_taken(participant, request, result);
  };
  try {
    grabbers_.push_back(FrameGrabber::start(engine_, pipeline_.get(), camera, line ? line->codec.encoding : "", done));
  } catch (const std::exception& e) {
    still_taken(participant, request, {e.what(), "", 0, 0});
  }
}

void Room::still_taken(const std::string& participant, const std::string& request, const StillResult& result) {
  if (result.error.empty())
    spdlog::info("MEDIA_STILL room={} participant={} width={} height={} bytes={}", name_, participant, result.width,
                 result.height, result.jpeg.size());
  else
    spdlog::warn("MEDIA_STILL_FAILED room={} participant={} error=\"{}\"", name_, participant, result.error);
  engine_.invoke([self = shared_from_this()] {  // not from inside the grabber's own call
    std::erase_if(self->grabbers_, [](const auto& g) { return g->done(); });
  });
  engine_.post([self = shared_from_this(), participant, request, result] {
    if (self->events_.still_taken) self->events_.still_taken(participant, request, result);
  });
}

void Room::request_keyframes(const std::string& receiver) {
  auto p = peer(receiver);
  if (!p) return;
  for (Role role : {Role::camera, Role::screen})
    if (GstPad* sink = p->sink(role)) request_keyframe(sink);
}

std::string Room::video_codec() const {
  for (const auto& [id, m] : members_)
    if (m.peer && m.peer->plan())
      if (const auto* line = m.peer->plan()->line(Role::camera)) return line->codec.encoding;
  return "";
}

std::shared_ptr<WebrtcPeer> Room::peer(const std::string& participant) const {
  auto it = members_.find(participant);
  return it == members_.end() ? nullptr : it->second.peer;
}

void Room::fail(const std::string& participant, const std::string& code, const std::string& problem) {
  spdlog::warn("MEDIA_FAILURE room={} participant={} code={} problem=\"{}\"", name_, participant, code, problem);
  engine_.post([self = shared_from_this(), participant, code, problem] {
    if (self->events_.failure) self->events_.failure(participant, code, problem);
  });
}

}  // namespace assist::media
