// One participant's connection: a bundled sendrecv webrtcbin in the call's pipeline, made from
// the participant's offer as planned (offer_plan.h). What the participant sends leaves through
// one tee per m-line; what it receives enters through one sink pad per m-line, each with the
// payload type and SSRC that its forwarders stamp (forwarder.h). Every method runs on the
// engine's media thread, and so do the events.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "forwarder.h"
#include "gst_ptr.h"
#include "offer_plan.h"

namespace assist::media {

class Engine;

struct PeerEvents {
  std::function<void(const std::string& answer_sdp)> answer;
  std::function<void(unsigned offer_mline, const std::string& candidate)> candidate;
  std::function<void(const std::string& state)> state;  // "new" … "connected", "failed", "closed"
  std::function<void(const std::string& code, const std::string& problem)> failure;
  std::function<void()> ready;  // the sink pads exist: forwarders may feed them
  std::function<void(Role)> track;  // media began to arrive from the participant
};

class WebrtcPeer : public std::enable_shared_from_this<WebrtcPeer> {
 public:
  static std::shared_ptr<WebrtcPeer> create(Engine& engine, GstElement* pipeline, std::string name,
                                            PeerEvents events);
  ~WebrtcPeer();
  WebrtcPeer(const WebrtcPeer&) = delete;
  WebrtcPeer& operator=(const WebrtcPeer&) = delete;

  // The first offer, or a later one with the same m-lines (an ICE restart). Throws OfferError
  // for a later offer that changes them.
  void negotiate(OfferPlan plan);
  // A trickled candidate for the participant's m-line `offer_mline` ("" ends them).
  void add_candidate(unsigned offer_mline, const std::string& candidate);

  const std::string& name() const { return name_; }
  const PeerEvents& events() const { return events_; }
  // Asks the participant for a keyframe of what it sends in `role`.
  void request_keyframe(Role role);
  const OfferPlan* plan() const { return plan_ ? &*plan_ : nullptr; }
  bool ready() const { return ready_; }
  // What the participant sends in `role`, or nullptr.
  GstElement* source(Role role) const;
  // Where what the participant receives in `role` goes in, or nullptr.
  GstPad* sink(Role role) const;
  std::shared_ptr<ForwardTarget> target(Role role) const;

 private:
  WebrtcPeer(Engine& engine, GstElement* pipeline, std::string name, PeerEvents events);
  void start();
  void make_receivers();
  void answer();

  struct Receiver {
    GstPtr<GstPad> pad;
    std::shared_ptr<ForwardTarget> target;
  };

  Engine& engine_;
  GstElement* pipeline_;  // the call's; outlives its peers
  std::string name_;
  PeerEvents events_;
  GstPtr<GstElement> webrtc_;
  std::optional<OfferPlan> plan_;
  std::map<Role, GstPtr<GstElement>> sources_;  // tees
  std::map<Role, Receiver> receivers_;
  bool ready_ = false;
};

}  // namespace assist::media
