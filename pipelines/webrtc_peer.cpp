#include "webrtc_peer.h"

#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <random>

#include "candidate_rewrite.h"
#include "media_engine.h"
#include "rtp_passthrough.h"

namespace assist::media {
namespace {

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

std::string source_name(const std::string& peer, unsigned index) { return "tee-" + peer + "-" + std::to_string(index); }
std::string drop_prefix(const std::string& peer) { return "drop-" + peer + "-"; }

std::uint32_t random_ssrc() {
  static std::mt19937 generator{std::random_device{}()};
  return std::uniform_int_distribution<std::uint32_t>(1, 0xfffffffe)(generator);
}

// A promise's error, or "" when it replied without one.
std::string promise_error(GstPromise* promise) {
  if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED) return "no reply";
  const GstStructure* reply = gst_promise_get_reply(promise);
  if (!reply) return "";
  GError* raw = nullptr;
  if (gst_structure_get(reply, "error", G_TYPE_ERROR, &raw, nullptr) && raw) {
    GstPtr<GError> e(raw);
    return e->message;
  }
  return "";
}

std::string ice_ufrag(const std::string& sdp) {
  const auto at = sdp.find("a=ice-ufrag:");
  return at == std::string::npos ? "" : sdp.substr(at, sdp.find_first_of("\r\n", at) - at);
}

// Callbacks from webrtcbin's threads find the peer through this, weakly.
struct Link {
  std::weak_ptr<WebrtcPeer> peer;
  Engine* engine;
  static void destroy(gpointer data, GClosure* = nullptr) { delete static_cast<Link*>(data); }
  static void destroy_notify(gpointer data) { delete static_cast<Link*>(data); }
};

// RTP allows one early feedback packet per regular RTCP interval (RFC 4585), 5 s by default: a
// keyframe request made just after another would wait for the next regular report.
void shorten_rtcp_interval(GstElement* webrtc) {
  GstPtr<GstElement> rtpbin(gst_bin_get_by_name(GST_BIN(webrtc), "rtpbin"));
  if (!rtpbin) return;
  GObject* session = nullptr;
  g_signal_emit_by_name(rtpbin.get(), "get-internal-session", 0u, &session);
  if (!session) return;
  g_object_set(session, "rtcp-min-interval", guint64(GST_SECOND / 2), nullptr);
  g_object_unref(session);
}

// Packets are forwarded as they arrive; the receiving browser's jitter buffer reorders them.
// Nor are they kept for FEC recovery, which our answers never negotiate: webrtcbin has each
// session's packet store hold the last jitter buffer latency's worth (200 ms) of them, which then
// goes unused. Run after webrtcbin's own "new-storage" handler, this one has the last word.
void forward_without_jitter_buffer(GstElement* webrtc) {
  GstPtr<GstElement> rtpbin(gst_bin_get_by_name(GST_BIN(webrtc), "rtpbin"));
  g_signal_connect(rtpbin.get(), "request-jitterbuffer",
                   G_CALLBACK(+[](GstElement*, guint) { return make_rtp_passthrough(); }), nullptr);
  g_signal_connect(rtpbin.get(), "new-storage", G_CALLBACK(+[](GstElement*, GstElement* storage, guint) {
                     g_object_set(storage, "size-time", guint64(0), nullptr);
                   }),
                   nullptr);
}

// libnice asks the local network's router by UPnP (SSDP multicast) to forward a port to every new
// connection. A server's ports are opened by its operator, not by a router on request; and until
// the request times out (200 ms) the server's candidate gathering does not end.
void disable_upnp(GstObject* ice) {
  if (!g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent")) return;
  GObject* nice = nullptr;
  g_object_get(ice, "agent", &nice, nullptr);
  if (!nice) return;
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(nice), "upnp")) g_object_set(nice, "upnp", FALSE, nullptr);
  g_object_unref(nice);
}

void configure_ice(GstElement* webrtc, const IceSettings& ice, const std::string& name) {
  if (!ice.stun_server.empty()) g_object_set(webrtc, "stun-server", ice.stun_server.c_str(), nullptr);
  for (const auto& turn : ice.turn_servers) {
    gboolean ok = FALSE;
    g_signal_emit_by_name(webrtc, "add-turn-server", turn.c_str(), &ok);
  }
  GstObject* agent = nullptr;
  g_object_get(webrtc, "ice-agent", &agent, nullptr);
  if (!agent) return;
  for (const auto& address : ice.addresses) {
    gboolean ok = FALSE;
    g_signal_emit_by_name(agent, "add-local-ip-address", address.c_str(), &ok);
  }
  if (ice.min_port) g_object_set(agent, "min-rtp-port", ice.min_port, "max-rtp-port", ice.max_port, nullptr);
  // libnice gathers TCP candidates by default; they are only wanted when configured.
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(agent), "ice-tcp"))
    g_object_set(agent, "ice-tcp", gboolean(ice.tcp), nullptr);
  else if (ice.tcp)
    spdlog::warn("MEDIA_ICE_TCP_UNSUPPORTED peer={} (this GStreamer has no ice-tcp switch)", name);
  disable_upnp(agent);
  gst_object_unref(agent);
}

// Runs on a streaming thread, so it only links to elements found by name (bins lock for that):
// an unlinked source pad would stop the connection's whole receiving side.
struct PadLink {
  std::string name;
  Link link;
};

void on_pad_added(GstElement* webrtc, GstPad* pad, gpointer data) {
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
  auto* pad_link = static_cast<PadLink*>(data);
  const auto* name = &pad_link->name;
  GstPtr<GstElement> pipeline(GST_ELEMENT(gst_element_get_parent(webrtc)));
  if (!pipeline) return;
  GstWebRTCRTPTransceiver* transceiver = nullptr;
  g_object_get(pad, "transceiver", &transceiver, nullptr);
  guint index = G_MAXUINT;
  if (transceiver) {
    g_object_get(transceiver, "mlineindex", &index, nullptr);
    gst_object_unref(transceiver);
  }
  GstPtr<GstElement> tee(gst_bin_get_by_name(GST_BIN(pipeline.get()), source_name(*name, index).c_str()));
  GstPtr<GstPad> tee_sink(tee ? gst_element_get_static_pad(tee.get(), "sink") : nullptr);
  if (tee_sink && !gst_pad_is_linked(tee_sink.get()) && gst_pad_link(pad, tee_sink.get()) == GST_PAD_LINK_OK) {
    spdlog::info("MEDIA_TRACK peer={} mline={}", *name, index);
    pad_link->link.engine->invoke([peer = pad_link->link.peer, index] {
      auto p = peer.lock();
      if (!p || !p->plan() || !p->events().track) return;
      for (const auto& line : p->plan()->lines)
        if (line.index == index) p->events().track(line.role);
    });
    return;
  }
  // A payload type nobody planned (a second codec, a retransmission stream): dropped.
  static std::atomic<unsigned> drops{0};
  GstElement* sink = gst_element_factory_make("fakesink", (drop_prefix(*name) + std::to_string(++drops)).c_str());
  g_object_set(sink, "async", FALSE, "sync", FALSE, nullptr);
  gst_bin_add(GST_BIN(pipeline.get()), sink);
  gst_element_sync_state_with_parent(sink);
  GstPtr<GstPad> sink_pad(gst_element_get_static_pad(sink, "sink"));
  gst_pad_link(pad, sink_pad.get());
  spdlog::warn("MEDIA_UNPLANNED_STREAM peer={} mline={} (dropped)", *name, index);
}

}  // namespace

std::shared_ptr<WebrtcPeer> WebrtcPeer::create(Engine& engine, GstElement* pipeline, std::string name,
                                               PeerEvents events) {
  std::shared_ptr<WebrtcPeer> peer(new WebrtcPeer(engine, pipeline, std::move(name), std::move(events)));
  peer->start();
  return peer;
}

WebrtcPeer::WebrtcPeer(Engine& engine, GstElement* pipeline, std::string name, PeerEvents events)
    : engine_(engine), pipeline_(pipeline), name_(std::move(name)), events_(std::move(events)) {}

void WebrtcPeer::start() {
  webrtc_.reset(GST_ELEMENT(gst_object_ref_sink(make("webrtcbin", "webrtc-" + name_))));
  g_object_set(webrtc_.get(), "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, nullptr);
  configure_ice(webrtc_.get(), engine_.ice(), name_);
  forward_without_jitter_buffer(webrtc_.get());
  auto link = [this] { return new Link{weak_from_this(), &engine_}; };
  g_signal_connect_data(
      webrtc_.get(), "on-ice-candidate",
      G_CALLBACK(+[](GstElement*, guint mline, gchar* candidate, gpointer data) {
        auto* l = static_cast<Link*>(data);
        l->engine->invoke([peer = l->peer, mline, c = std::string(candidate)] {
          auto p = peer.lock();
          if (!p || !p->plan_ || !p->events_.candidate) return;
          p->events_.candidate(p->plan_->offer_index(mline), rewrite_candidate(c, p->engine_.ice().public_address));
        });
      }),
      link(), Link::destroy, GConnectFlags(0));
  g_signal_connect_data(
      webrtc_.get(), "notify::connection-state",
      G_CALLBACK(+[](GstElement* element, GParamSpec*, gpointer data) {
        auto* l = static_cast<Link*>(data);
        GstWebRTCPeerConnectionState state;
        g_object_get(element, "connection-state", &state, nullptr);
        l->engine->invoke([peer = l->peer, name = state_name(state)] {
          auto p = peer.lock();
          if (p && p->events_.state) p->events_.state(name);
        });
      }),
      link(), Link::destroy, GConnectFlags(0));
  g_signal_connect_data(webrtc_.get(), "pad-added", G_CALLBACK(on_pad_added),
                        new PadLink{name_, Link{weak_from_this(), &engine_}},
                        +[](gpointer data, GClosure*) { delete static_cast<PadLink*>(data); }, GConnectFlags(0));
  gst_bin_add(GST_BIN(pipeline_), webrtc_.get());
  gst_element_sync_state_with_parent(webrtc_.get());
}

WebrtcPeer::~WebrtcPeer() {
  // webrtcbin stops before what feeds it, or shutdown can deadlock.
  gst_element_set_state(webrtc_.get(), GST_STATE_NULL);
  gst_bin_remove(GST_BIN(pipeline_), webrtc_.get());
  for (auto& [role, tee] : sources_) {
    gst_element_set_state(tee.get(), GST_STATE_NULL);
    gst_bin_remove(GST_BIN(pipeline_), tee.get());
  }
  // The fakesinks pad-added made for streams nobody planned.
  std::vector<GstPtr<GstElement>> drops;
  const auto prefix = drop_prefix(name_);
  GstIterator* it = gst_bin_iterate_elements(GST_BIN(pipeline_));
  GValue item = G_VALUE_INIT;
  for (bool done = false; !done;) {
    switch (gst_iterator_next(it, &item)) {
      case GST_ITERATOR_OK: {
        auto* e = GST_ELEMENT(g_value_get_object(&item));
        GstPtr<gchar> n(gst_element_get_name(e));
        if (std::string(n.get()).rfind(prefix, 0) == 0) drops.push_back(ref(e));
        g_value_reset(&item);
        break;
      }
      case GST_ITERATOR_RESYNC:  // the bin changed under us: start over
        drops.clear();
        gst_iterator_resync(it);
        break;
      default:
        done = true;
    }
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  for (auto& e : drops) {
    gst_element_set_state(e.get(), GST_STATE_NULL);
    gst_bin_remove(GST_BIN(pipeline_), e.get());
  }
}

void WebrtcPeer::negotiate(OfferPlan plan) {
  if (plan_) {
    // A later offer on the same connection: an ICE restart, or the same tracks again.
    bool same = plan.lines.size() == plan_->lines.size();
    for (std::size_t i = 0; same && i < plan.lines.size(); ++i)
      same = plan.lines[i].mid == plan_->lines[i].mid && plan.lines[i].role == plan_->lines[i].role &&
             plan.lines[i].codec.encoding == plan_->lines[i].codec.encoding;
    if (!same)
      throw OfferError("renegotiation_unsupported",
                       "a later offer must keep the m-lines of the first; join again to change them");
    spdlog::info("MEDIA_RENEGOTIATE peer={} ice_restart={}", name_, ice_ufrag(plan.sdp) != ice_ufrag(plan_->sdp));
  } else {
    for (const auto& line : plan.lines) {
      if (!line.sends) continue;
      GstElement* tee = make("tee", source_name(name_, line.index));
      g_object_set(tee, "allow-not-linked", TRUE, nullptr);
      gst_bin_add(GST_BIN(pipeline_), tee);
      gst_element_sync_state_with_parent(tee);
      sources_[line.role] = ref(tee);
    }
  }
  const bool first = !plan_;
  plan_ = std::move(plan);
  GstSDPMessage* sdp = nullptr;
  if (gst_sdp_message_new_from_text(plan_->sdp.c_str(), &sdp) != GST_SDP_OK) {
    if (sdp) gst_sdp_message_free(sdp);
    throw OfferError("malformed_offer", "the offer is not valid SDP");
  }
  GstPtr<GstWebRTCSessionDescription> offer(gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, sdp));
  auto* l = new Link{weak_from_this(), &engine_};
  GstPromise* promise = gst_promise_new_with_change_func(
      +[](GstPromise* p, gpointer data) {
        auto* l = static_cast<Link*>(data);
        l->engine->invoke([peer = l->peer, error = promise_error(p)] {
          auto self = peer.lock();
          if (!self) return;
          if (!error.empty()) return self->events_.failure("offer_refused", "the offer was refused: " + error);
          if (!self->ready_) self->make_receivers();
          self->answer();
        });
      },
      l, Link::destroy_notify);
  g_signal_emit_by_name(webrtc_.get(), "set-remote-description", offer.get(), promise);
  gst_promise_unref(promise);
  if (first) spdlog::info("MEDIA_OFFER peer={} lines={}", name_, plan_->lines.size());
}

// After the remote description, webrtcbin has a transceiver per m-line; each gets the codec
// the plan chose, and those the participant receives on get a sink pad. (A sink pad asked for
// before the offer could not bind to the offer's transceiver in 1.22.)
void WebrtcPeer::make_receivers() {
  for (const auto& line : plan_->lines) {
    const std::uint32_t ssrc = random_ssrc();
    GstPtr<GstCaps> caps(gst_caps_from_string(line.codec.caps(ssrc).c_str()));
    if (!caps) {
      events_.failure("offer_refused", "cannot describe the codec of m-line " + std::to_string(line.offer_index));
      continue;
    }
    GstWebRTCRTPTransceiver* transceiver = nullptr;
    if (line.receives) {
      GstPadTemplate* templ = gst_element_get_pad_template(webrtc_.get(), "sink_%u");
      GstPtr<GstPad> pad(gst_element_request_pad(webrtc_.get(), templ, ("sink_" + std::to_string(line.index)).c_str(),
                                                 caps.get()));
      if (!pad) {
        events_.failure("offer_refused", "cannot send on m-line " + std::to_string(line.offer_index));
        continue;
      }
      g_object_get(pad.get(), "transceiver", &transceiver, nullptr);
      receivers_[line.role] = {std::move(pad), std::make_shared<ForwardTarget>(line.codec.payload, ssrc,
                                                                               line.codec.clock_rate,
                                                                               GstPtr<GstCaps>(gst_caps_ref(caps.get())))};
    } else {
      g_signal_emit_by_name(webrtc_.get(), "get-transceiver", gint(line.index), &transceiver);
    }
    if (!transceiver) continue;
    const auto direction = line.sends && line.receives ? GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV
                           : line.sends               ? GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY
                                                      : GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY;
    g_object_set(transceiver, "direction", direction, "codec-preferences", caps.get(), nullptr);
    gst_object_unref(transceiver);
  }
  ready_ = true;
  if (events_.ready) events_.ready();
}

void WebrtcPeer::answer() {
  auto* l = new Link{weak_from_this(), &engine_};
  GstPromise* promise = gst_promise_new_with_change_func(
      +[](GstPromise* p, gpointer data) {
        auto* l = static_cast<Link*>(data);
        std::string error = promise_error(p);
        GstWebRTCSessionDescription* raw = nullptr;
        if (error.empty()) {
          const GstStructure* reply = gst_promise_get_reply(p);
          if (reply) gst_structure_get(reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &raw, nullptr);
          if (!raw) error = "no answer";
        }
        GstPtr<GstWebRTCSessionDescription> answer(raw);
        l->engine->invoke([peer = l->peer, error, answer = std::shared_ptr<GstWebRTCSessionDescription>(
                                                   answer.release(), gst_webrtc_session_description_free)] {
          auto self = peer.lock();
          if (!self) return;
          if (!error.empty()) return self->events_.failure("offer_refused", "cannot answer the offer: " + error);
          shorten_rtcp_interval(self->webrtc_.get());
          g_signal_emit_by_name(self->webrtc_.get(), "set-local-description", answer.get(), nullptr);
          GstPtr<gchar> text(gst_sdp_message_as_text(answer->sdp));
          const auto sdp = self->plan_->answer_for_participant(rewrite_sdp(text.get(), self->engine_.ice().public_address));
          if (self->events_.answer) self->events_.answer(sdp);
        });
      },
      l, Link::destroy_notify);
  g_signal_emit_by_name(webrtc_.get(), "create-answer", nullptr, promise);
  gst_promise_unref(promise);
}

void WebrtcPeer::add_candidate(unsigned offer_mline, const std::string& candidate) {
  if (!plan_) throw OfferError("no_offer", "a candidate came before the offer");
  const auto index = plan_->webrtc_index(offer_mline);
  if (!index) return;
  g_signal_emit_by_name(webrtc_.get(), "add-ice-candidate", *index, candidate.empty() ? nullptr : candidate.c_str());
}

void WebrtcPeer::request_keyframe(Role role) {
  GstElement* tee = source(role);
  if (!tee) return;
  GstPtr<GstPad> sink(gst_element_get_static_pad(tee, "sink"));
  media::request_keyframe(sink.get());
}

GstElement* WebrtcPeer::source(Role role) const {
  auto it = sources_.find(role);
  return it == sources_.end() ? nullptr : it->second.get();
}

GstPad* WebrtcPeer::sink(Role role) const {
  auto it = receivers_.find(role);
  return it == receivers_.end() ? nullptr : it->second.pad.get();
}

std::shared_ptr<ForwardTarget> WebrtcPeer::target(Role role) const {
  auto it = receivers_.find(role);
  return it == receivers_.end() ? nullptr : it->second.target;
}

}  // namespace assist::media
