#include "room.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#include <gst/webrtc/webrtc.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "candidate_rewrite.h"
#include "gst_ptr.h"

namespace assist::media {

// What a GStreamer callback needs to find its way back: the room, weakly, and whose it is.
struct SignalLink {
  std::weak_ptr<Room> room;
  std::string participant;
  std::string stream;
  GstElement* webrtc = nullptr;  // a reference of its own, for promise callbacks

  static void destroy(gpointer data, GClosure* = nullptr) {
    auto* link = static_cast<SignalLink*>(data);
    if (link->webrtc) gst_object_unref(link->webrtc);
    delete link;
  }
  static void destroy_notify(gpointer data) { destroy(data); }
};

namespace {

struct Codec {
  const char* kind;
  const char* depayloader;
  const char* payloader;
  const char* rtp_caps;  // full caps for webrtcbin's sink pad
};

// Chrome rejects an audio m-line without encoding-params=2 and then ICE silently fails.
constexpr Codec codecs[] = {
    {"video", "rtpvp8depay", "rtpvp8pay",
     "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"},
    {"audio", "rtpopusdepay", "rtpopuspay",
     "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
     "encoding-params=(string)2"},
};

const Codec* codec_for(const std::string& kind) {
  for (const auto& c : codecs)
    if (kind == c.kind) return &c;
  return nullptr;
}

std::string state_name(GstWebRTCPeerConnectionState s) {
  switch (s) {
    case GST_WEBRTC_PEER_CONNECTION_STATE_NEW: return "new";
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTING: return "connecting";
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED: return "connected";
    case GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED: return "disconnected";
    case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED: return "failed";
    case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED: return "closed";
  }
  return "new";
}

GstElement* make(const char* factory, const std::string& name) {
  GstElement* e = gst_element_factory_make(factory, name.c_str());
  if (!e) throw std::runtime_error(std::string("GStreamer element '") + factory + "' is missing");
  return e;
}

// Media kinds the offer sends to us: one audio and one video at most, in offer order.
std::vector<std::string> sent_kinds(const GstSDPMessage* sdp) {
  std::vector<std::string> kinds;
  for (guint i = 0; i < gst_sdp_message_medias_len(sdp); ++i) {
    const GstSDPMedia* m = gst_sdp_message_get_media(sdp, i);
    const std::string kind = gst_sdp_media_get_media(m);
    // Port 0 rejects an m-line, unless it is bundle-only and rides on the bundle's transport.
    const bool rejected = gst_sdp_media_get_port(m) == 0 && !gst_sdp_media_get_attribute_val(m, "bundle-only");
    if (!codec_for(kind) || rejected) continue;
    if (gst_sdp_media_get_attribute_val(m, "recvonly") || gst_sdp_media_get_attribute_val(m, "inactive"))
      continue;
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  return kinds;
}

// RTP allows one early feedback packet per regular RTCP interval (RFC 4585), 5 s by default: a
// keyframe request made just after another (a second receiver, a lost first keyframe) would
// wait for the next regular report. With the publisher's interval at half a second, a receiver
// waits at most that long for its keyframe; the extra RTCP is a few hundred bytes a second.
void shorten_rtcp_interval(GstElement* webrtc) {
  GstPtr<GstElement> rtpbin(gst_bin_get_by_name(GST_BIN(webrtc), "rtpbin"));
  if (!rtpbin) return;
  GObject* session = nullptr;
  g_signal_emit_by_name(rtpbin.get(), "get-internal-session", 0u, &session);
  if (!session) return;
  g_object_set(session, "rtcp-min-interval", guint64(GST_SECOND / 2), nullptr);
  g_object_unref(session);
}

GstSDPMessage* parse_sdp(const std::string& text) {
  GstSDPMessage* sdp = nullptr;
  if (gst_sdp_message_new_from_text(text.c_str(), &sdp) != GST_SDP_OK) {
    if (sdp) gst_sdp_message_free(sdp);
    return nullptr;
  }
  if (gst_sdp_message_medias_len(sdp) == 0) {
    gst_sdp_message_free(sdp);
    return nullptr;
  }
  return sdp;
}

// What the room hands out, with the public address in place of the host's (1:1 NAT).
std::string sdp_text(const GstWebRTCSessionDescription* desc, const IceSettings& ice) {
  GstPtr<gchar> text(gst_sdp_message_as_text(desc->sdp));
  return rewrite_sdp(text.get(), ice.public_address);
}

// The reply of a promise as a session description under `field`, or nullptr on error.
GstWebRTCSessionDescription* reply_description(GstPromise* promise, const char* field, std::string& error) {
  if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED) {
    error = "no reply";
    return nullptr;
  }
  const GstStructure* reply = gst_promise_get_reply(promise);
  if (!reply) {
    error = "empty reply";
    return nullptr;
  }
  GError* raw_error = nullptr;
  if (gst_structure_get(reply, "error", G_TYPE_ERROR, &raw_error, nullptr) && raw_error) {
    GstPtr<GError> e(raw_error);
    error = e->message;
    return nullptr;
  }
  GstWebRTCSessionDescription* desc = nullptr;
  gst_structure_get(reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, nullptr);
  if (!desc) error = std::string("no ") + field + " in the reply";
  return desc;
}

SignalLink* new_link(const std::shared_ptr<Room>& room, const std::string& participant,
                     const std::string& stream, GstElement* webrtc) {
  auto* link = new SignalLink{room, participant, stream, nullptr};
  if (webrtc) link->webrtc = GST_ELEMENT(gst_object_ref(webrtc));
  return link;
}

}  // namespace

Room::Room(Engine& engine, std::string name, RoomEvents events)
    : engine_(engine), name_(std::move(name)), events_(std::move(events)) {
  pipeline_ = gst_pipeline_new(("room-" + name_).c_str());
  gst_element_set_state(pipeline_, GST_STATE_PLAYING);
}

Room::~Room() {
  if (pipeline_) {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(pipeline_);
  }
}

void Room::join(const std::string& participant) {
  engine_.invoke([self = shared_from_this(), participant] {
    if (self->closed_ || self->members_.count(participant)) return;
    self->members_[participant];
    for (const auto& [id, member] : self->members_)
      if (id != participant && member.publisher) self->subscribe(participant, id);
  });
}

void Room::publish(const std::string& participant, const std::string& offer_sdp) {
  engine_.invoke([self = shared_from_this(), participant, offer_sdp] {
    if (self->closed_) return;
    try {
      self->do_publish(participant, offer_sdp);
    } catch (const std::exception& e) {
      self->emit_failure(participant, e.what());
    }
  });
}

void Room::accept_answer(const std::string& participant, const std::string& stream, const std::string& sdp) {
  engine_.invoke([self = shared_from_this(), participant, stream, sdp] {
    GstElement* webrtc = self->find_webrtc(participant, stream);
    if (!webrtc) return self->emit_failure(participant, "no stream '" + stream + "' to answer");
    GstSDPMessage* message = parse_sdp(sdp);
    if (!message) return self->emit_failure(participant, "the answer is not valid SDP");
    GstPtr<GstWebRTCSessionDescription> desc(
        gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_ANSWER, message));
    g_signal_emit_by_name(webrtc, "set-remote-description", desc.get(), nullptr);
  });
}

void Room::add_candidate(const std::string& participant, const std::string& stream, unsigned mline,
                         const std::string& candidate) {
  engine_.invoke([self = shared_from_this(), participant, stream, mline, candidate] {
    GstElement* webrtc = self->find_webrtc(participant, stream);
    if (webrtc && !candidate.empty())
      g_signal_emit_by_name(webrtc, "add-ice-candidate", mline, candidate.c_str());
  });
}

void Room::leave(const std::string& participant) {
  engine_.invoke([self = shared_from_this(), participant] { self->do_leave(participant); });
}

void Room::close() {
  engine_.invoke([self = shared_from_this()] {
    if (self->closed_) return;
    std::vector<std::string> everyone;
    for (const auto& [id, member] : self->members_) everyone.push_back(id);
    for (const auto& id : everyone) self->do_leave(id);
    self->closed_ = true;
    gst_element_set_state(self->pipeline_, GST_STATE_NULL);
    gst_object_unref(self->pipeline_);
    self->pipeline_ = nullptr;
  });
}

GstElement* Room::make_webrtc(const std::string& participant, const std::string& stream) {
  const auto name = (stream == publish_stream ? "pub-" + participant : stream + "-to-" + participant);
  GstElement* webrtc = make("webrtcbin", name);
  g_object_set(webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency", 40, nullptr);
  const auto& ice = engine_.ice();
  if (!ice.stun_server.empty()) g_object_set(webrtc, "stun-server", ice.stun_server.c_str(), nullptr);
  for (const auto& turn : ice.turn_servers) {
    gboolean ok = FALSE;
    g_signal_emit_by_name(webrtc, "add-turn-server", turn.c_str(), &ok);
  }
  GstObject* agent = nullptr;
  g_object_get(webrtc, "ice-agent", &agent, nullptr);
  if (agent) {
    for (const auto& address : ice.addresses) {
      gboolean ok = FALSE;
      g_signal_emit_by_name(agent, "add-local-ip-address", address.c_str(), &ok);
    }
    if (ice.min_port) g_object_set(agent, "min-rtp-port", ice.min_port, "max-rtp-port", ice.max_port, nullptr);
    // libnice gathers TCP candidates by default; they are only wanted when configured.
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(agent), "ice-tcp"))
      g_object_set(agent, "ice-tcp", gboolean(ice.tcp), nullptr);
    else if (ice.tcp)
      spdlog::warn("MEDIA_ICE_TCP_UNSUPPORTED room={} (this GStreamer has no ice-tcp switch)", name_);
    gst_object_unref(agent);
  }
  auto self = shared_from_this();
  g_signal_connect_data(
      webrtc, "on-ice-candidate",
      G_CALLBACK(+[](GstElement*, guint mline, gchar* candidate, gpointer data) {
        auto* link = static_cast<SignalLink*>(data);
        auto room = link->room.lock();
        if (!room) return;
        auto c = rewrite_candidate(candidate, room->engine_.ice().public_address);
        room->engine_.post([room, p = link->participant, s = link->stream, mline, c = std::move(c)] {
          if (room->events_.candidate) room->events_.candidate(p, s, mline, c);
        });
      }),
      new_link(self, participant, stream, nullptr), SignalLink::destroy, GConnectFlags(0));
  g_signal_connect_data(
      webrtc, "notify::connection-state",
      G_CALLBACK(+[](GstElement* element, GParamSpec*, gpointer data) {
        auto* link = static_cast<SignalLink*>(data);
        auto room = link->room.lock();
        if (!room) return;
        GstWebRTCPeerConnectionState state;
        g_object_get(element, "connection-state", &state, nullptr);
        room->engine_.invoke([room, p = link->participant, s = link->stream, name = state_name(state)] {
          room->on_connection_state(p, s, name);
        });
      }),
      new_link(self, participant, stream, nullptr), SignalLink::destroy, GConnectFlags(0));
  gst_bin_add(GST_BIN(pipeline_), webrtc);
  return webrtc;
}

void Room::do_publish(const std::string& participant, const std::string& offer_sdp) {
  GstSDPMessage* sdp = parse_sdp(offer_sdp);
  if (!sdp) return emit_failure(participant, "the offer is not valid SDP");
  const auto kinds = sent_kinds(sdp);
  if (kinds.empty()) {
    gst_sdp_message_free(sdp);
    return emit_failure(participant, "the offer sends neither VP8 video nor Opus audio");
  }
  // A second publish from the same participant (a reload or an ICE restart by re-join)
  // replaces the first.
  auto& member = members_[participant];
  if (member.publisher) {
    for (auto& [id, other] : members_) {
      auto it = other.subscriptions.find(participant);
      if (it == other.subscriptions.end()) continue;
      teardown(it->second);
      other.subscriptions.erase(it);
    }
    teardown(*member.publisher);
    member.publisher.reset();
  }

  auto publisher = std::make_unique<Publisher>();
  publisher->webrtc = make_webrtc(participant, publish_stream);
  for (const auto& kind : kinds) {
    const Codec* codec = codec_for(kind);
    Track track{kind, make(codec->depayloader, "depay-" + participant + "-" + kind),
                make("tee", "tee-" + participant + "-" + kind)};
    g_object_set(track.tee, "allow-not-linked", TRUE, nullptr);
    gst_bin_add_many(GST_BIN(pipeline_), track.depay, track.tee, nullptr);
    gst_element_link(track.depay, track.tee);
    gst_element_sync_state_with_parent(track.depay);
    gst_element_sync_state_with_parent(track.tee);
    publisher->tracks[kind] = track;
  }
  auto self = shared_from_this();
  g_signal_connect_data(
      publisher->webrtc, "pad-added",
      G_CALLBACK(+[](GstElement*, GstPad* pad, gpointer data) {
        auto* link = static_cast<SignalLink*>(data);
        if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
        auto room = link->room.lock();
        if (room) room->on_publisher_pad(link->participant, pad);
      }),
      new_link(self, participant, publish_stream, nullptr), SignalLink::destroy, GConnectFlags(0));
  gst_element_sync_state_with_parent(publisher->webrtc);
  GstElement* webrtc = publisher->webrtc;
  member.publisher = std::move(publisher);

  // Others start receiving at once; media flows when this publisher connects.
  for (const auto& [id, other] : members_)
    if (id != participant) subscribe(id, participant);

  GstPtr<GstWebRTCSessionDescription> offer(gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, sdp));
  // set-remote-description → create-answer → set-local-description → answer to the owner.
  GstPromise* promise = gst_promise_new_with_change_func(
      +[](GstPromise* promise, gpointer data) {
        auto* link = static_cast<SignalLink*>(data);
        std::string error;
        if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED) error = "no reply";
        auto room = link->room.lock();
        if (!room) return;
        if (const GstStructure* reply = gst_promise_get_reply(promise)) {
          GError* e = nullptr;
          if (gst_structure_get(reply, "error", G_TYPE_ERROR, &e, nullptr) && e) {
            error = e->message;
            g_error_free(e);
          }
        }
        if (!error.empty()) return room->emit_failure(link->participant, "offer refused: " + error);
        GstPromise* answer_promise = gst_promise_new_with_change_func(
            +[](GstPromise* p, gpointer d) {
              auto* l = static_cast<SignalLink*>(d);
              auto r = l->room.lock();
              if (!r) return;
              std::string err;
              GstPtr<GstWebRTCSessionDescription> answer(reply_description(p, "answer", err));
              if (!answer) return r->emit_failure(l->participant, "cannot answer the offer: " + err);
              shorten_rtcp_interval(l->webrtc);
              g_signal_emit_by_name(l->webrtc, "set-local-description", answer.get(), nullptr);
              auto text = sdp_text(answer.get(), r->engine_.ice());
              r->engine_.post([r, participant = l->participant, text = std::move(text)] {
                if (r->events_.description) r->events_.description(participant, publish_stream, "answer", text);
              });
            },
            new_link(room, link->participant, publish_stream, link->webrtc), SignalLink::destroy_notify);
        g_signal_emit_by_name(link->webrtc, "create-answer", nullptr, answer_promise);
        gst_promise_unref(answer_promise);
      },
      new_link(self, participant, publish_stream, webrtc), SignalLink::destroy_notify);
  g_signal_emit_by_name(webrtc, "set-remote-description", offer.get(), promise);
  gst_promise_unref(promise);
  spdlog::info("MEDIA_PUBLISH room={} participant={} tracks={}", name_, participant, kinds.size());
}

// Runs on a streaming thread: only links to elements found by name (bins lock for that).
void Room::on_publisher_pad(const std::string& participant, GstPad* pad) {
  GstPtr<GstCaps> caps(gst_pad_get_current_caps(pad));
  if (!caps) caps.reset(gst_pad_query_caps(pad, nullptr));
  const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
  const char* media = gst_structure_get_string(s, "media");
  const char* encoding = gst_structure_get_string(s, "encoding-name");
  const std::string kind = media ? media : "";
  const Codec* codec = codec_for(kind);
  GstPtr<GstElement> depay;
  if (codec) depay.reset(gst_bin_get_by_name(GST_BIN(pipeline_), ("depay-" + participant + "-" + kind).c_str()));
  const bool supported = codec && encoding &&
                         std::string(encoding) == (kind == "video" ? "VP8" : "OPUS") && depay;
  if (!supported) {
    spdlog::warn("MEDIA_UNSUPPORTED_TRACK room={} participant={} media={} encoding={}", name_, participant,
                 kind, encoding ? encoding : "?");
    GstElement* sink = gst_element_factory_make("fakesink", nullptr);
    g_object_set(sink, "async", FALSE, nullptr);
    gst_bin_add(GST_BIN(pipeline_), sink);
    gst_element_sync_state_with_parent(sink);
    GstPtr<GstPad> sink_pad(gst_element_get_static_pad(sink, "sink"));
    gst_pad_link(pad, sink_pad.get());
    return;
  }
  GstPtr<GstPad> sink_pad(gst_element_get_static_pad(depay.get(), "sink"));
  if (gst_pad_link(pad, sink_pad.get()) != GST_PAD_LINK_OK)
    spdlog::warn("MEDIA_LINK_FAILED room={} participant={} media={}", name_, participant, kind);
  else
    spdlog::info("MEDIA_TRACK room={} participant={} media={} encoding={}", name_, participant, kind, encoding);
}

void Room::subscribe(const std::string& receiver, const std::string& publisher_id) {
  auto& member = members_[receiver];
  const auto& publisher = members_[publisher_id].publisher;
  if (!publisher || member.subscriptions.count(publisher_id)) return;
  const auto stream = subscription_stream(publisher_id);
  Subscription sub;
  sub.webrtc = make_webrtc(receiver, stream);
  const auto prefix = receiver + "-" + publisher_id;
  for (const auto& [kind, track] : publisher->tracks) {
    const Codec* codec = codec_for(kind);
    Branch branch;
    GstElement* queue = make("queue", "queue-" + prefix + "-" + kind);
    // Leaky: a slow receiver drops its own packets instead of holding back the sender.
    g_object_set(queue, "leaky", 2, "max-size-buffers", 200u, "max-size-bytes", 0u,
                 "max-size-time", guint64(0), nullptr);
    GstElement* pay = make(codec->payloader, "pay-" + prefix + "-" + kind);
    g_object_set(pay, "pt", kind == "video" ? 96u : 111u, "mtu", 1200u, nullptr);
    if (kind == "video") g_object_set(pay, "picture-id-mode", 2, nullptr);
    GstElement* filter = make("capsfilter", "caps-" + prefix + "-" + kind);
    GstPtr<GstCaps> caps(gst_caps_from_string(codec->rtp_caps));
    g_object_set(filter, "caps", caps.get(), nullptr);
    gst_bin_add_many(GST_BIN(pipeline_), queue, pay, filter, nullptr);
    gst_element_link_many(queue, pay, filter, nullptr);
    GstPtr<GstPad> src(gst_element_get_static_pad(filter, "src"));
    GstPtr<GstPad> sink(gst_element_request_pad_simple(sub.webrtc, "sink_%u"));
    gst_pad_link(src.get(), sink.get());
    GstWebRTCRTPTransceiver* transceiver = nullptr;
    g_object_get(sink.get(), "transceiver", &transceiver, nullptr);
    if (transceiver) {
      g_object_set(transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, nullptr);
      gst_object_unref(transceiver);
    }
    branch.kind = kind;
    branch.elements = {queue, pay, filter};
    sub.branches.push_back(std::move(branch));
  }
  // Everything downstream of the tees plays before a tee feeds it: a branch still in NULL
  // answers "flushing", which the tee passes upstream, and the publisher's stream stops for
  // every receiver.
  gst_element_sync_state_with_parent(sub.webrtc);
  for (auto& branch : sub.branches) {
    for (GstElement* e : branch.elements) gst_element_sync_state_with_parent(e);
    const auto& track = publisher->tracks.at(branch.kind);
    branch.tee_pad = gst_element_request_pad_simple(track.tee, "src_%u");
    GstPtr<GstPad> queue_sink(gst_element_get_static_pad(branch.elements.front(), "sink"));
    gst_pad_link(branch.tee_pad, queue_sink.get());
  }
  GstElement* webrtc = sub.webrtc;
  member.subscriptions[publisher_id] = std::move(sub);

  GstPromise* promise = gst_promise_new_with_change_func(
      +[](GstPromise* p, gpointer data) {
        auto* link = static_cast<SignalLink*>(data);
        auto room = link->room.lock();
        if (!room) return;
        std::string error;
        GstPtr<GstWebRTCSessionDescription> offer(reply_description(p, "offer", error));
        if (!offer) return room->emit_failure(link->participant, "cannot make an offer: " + error);
        g_signal_emit_by_name(link->webrtc, "set-local-description", offer.get(), nullptr);
        room->engine_.post([room, participant = link->participant, stream = link->stream,
                            text = sdp_text(offer.get(), room->engine_.ice())] {
          if (room->events_.description) room->events_.description(participant, stream, "offer", text);
        });
      },
      new_link(shared_from_this(), receiver, stream, webrtc), SignalLink::destroy_notify);
  g_signal_emit_by_name(webrtc, "create-offer", nullptr, promise);
  gst_promise_unref(promise);
}

void Room::on_connection_state(const std::string& participant, const std::string& stream,
                               const std::string& state) {
  if (closed_) return;
  spdlog::debug("MEDIA_CONNECTION room={} participant={} stream={} state={}", name_, participant, stream, state);
  // Data is held until DTLS connects, so the sender's first keyframe may be gone: ask again.
  if (state == "connected" && stream.rfind("sub:", 0) == 0) request_keyframe(participant, stream.substr(4));
  engine_.post([self = shared_from_this(), participant, stream, state] {
    if (self->events_.connection_state) self->events_.connection_state(participant, stream, state);
  });
}

void Room::request_keyframe(const std::string& receiver, const std::string& publisher_id) {
  auto m = members_.find(receiver);
  if (m == members_.end()) return;
  auto s = m->second.subscriptions.find(publisher_id);
  if (s == m->second.subscriptions.end()) return;
  // Pushed upstream from the branch's first element: tee → depayloader → the publisher's
  // webrtcbin, whose RTP session asks the sender for a keyframe (PLI).
  for (auto& branch : s->second.branches) {
    GstPtr<GstPad> sink(gst_element_get_static_pad(branch.elements.front(), "sink"));
    gst_pad_push_event(sink.get(), gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
  }
}

GstElement* Room::find_webrtc(const std::string& participant, const std::string& stream) {
  auto m = members_.find(participant);
  if (m == members_.end()) return nullptr;
  if (stream == publish_stream) return m->second.publisher ? m->second.publisher->webrtc : nullptr;
  if (stream.rfind("sub:", 0) != 0) return nullptr;
  auto s = m->second.subscriptions.find(stream.substr(4));
  return s == m->second.subscriptions.end() ? nullptr : s->second.webrtc;
}

void Room::do_leave(const std::string& participant) {
  auto it = members_.find(participant);
  if (it == members_.end()) return;
  for (auto& [id, other] : members_) {
    auto s = other.subscriptions.find(participant);
    if (s == other.subscriptions.end()) continue;
    teardown(s->second);
    other.subscriptions.erase(s);
  }
  for (auto& [id, sub] : it->second.subscriptions) teardown(sub);
  if (it->second.publisher) teardown(*it->second.publisher);
  members_.erase(it);
  spdlog::info("MEDIA_LEFT room={} participant={}", name_, participant);
}

// webrtcbin goes to NULL before what feeds it, or shutdown can deadlock.
// The branches leave their tees first, so the flushing that stopping causes never reaches the
// publisher (see subscribe); then webrtcbin stops before the elements feeding it.
void Room::teardown(Subscription& s) {
  for (auto& branch : s.branches) {
    if (!branch.tee_pad) continue;
    GstPtr<GstElement> tee(gst_pad_get_parent_element(branch.tee_pad));
    GstPtr<GstPad> queue_sink(gst_element_get_static_pad(branch.elements.front(), "sink"));
    gst_pad_unlink(branch.tee_pad, queue_sink.get());
    gst_element_release_request_pad(tee.get(), branch.tee_pad);
    gst_object_unref(branch.tee_pad);
    branch.tee_pad = nullptr;
  }
  gst_element_set_state(s.webrtc, GST_STATE_NULL);
  gst_bin_remove(GST_BIN(pipeline_), s.webrtc);
  for (auto& branch : s.branches) {
    for (GstElement* e : branch.elements) {
      gst_element_set_state(e, GST_STATE_NULL);
      gst_bin_remove(GST_BIN(pipeline_), e);
    }
  }
  s.branches.clear();
}

void Room::teardown(Publisher& p) {
  gst_element_set_state(p.webrtc, GST_STATE_NULL);
  gst_bin_remove(GST_BIN(pipeline_), p.webrtc);
  for (auto& [kind, track] : p.tracks) {
    for (GstElement* e : {track.depay, track.tee}) {
      gst_element_set_state(e, GST_STATE_NULL);
      gst_bin_remove(GST_BIN(pipeline_), e);
    }
  }
  p.tracks.clear();
}

void Room::emit_failure(const std::string& participant, const std::string& problem) {
  spdlog::warn("MEDIA_FAILURE room={} participant={} problem=\"{}\"", name_, participant, problem);
  engine_.post([self = shared_from_this(), participant, problem] {
    if (self->events_.failure) self->events_.failure(participant, problem);
  });
}

}  // namespace assist::media
