// Forwards one participant's RTP stream into another participant's connection without
// depayloading: on the way (a pad probe on the tee branch that feeds the receiver's webrtcbin
// sink pad) each packet gets the payload type and SSRC the receiver's connection negotiated,
// and sequence numbers and timestamps that stay continuous when the sender changes (a reload,
// a second device), so the receiving browser sees one steady stream. Caps events are replaced
// by the receiver's caps, and a sender's end of stream goes no further than the forwarder.
// Keyframe requests travel upstream with the receiver's SSRC, which the sender's session does
// not know: the forwarder takes it out, and the sender's rtpssrcdemux puts in the sender's own.
#pragma once

#include <cstdint>
#include <memory>

#include <gst/rtp/gstrtpbuffer.h>

#include "gst_ptr.h"

namespace assist::media {

// What the receiver's connection expects, and where the stream it was sent last left off.
// One per receiving m-line, shared by the forwarders that feed it over time.
struct ForwardTarget {
  ForwardTarget(unsigned payload, std::uint32_t ssrc, unsigned clock_rate, GstPtr<GstCaps> caps);

  const unsigned payload;
  const std::uint32_t ssrc;
  const unsigned clock_rate;
  const GstPtr<GstCaps> caps;

  // Streaming-thread state: touched only by the one forwarder that feeds the target at a time.
  struct Continuity {
    bool started = false;
    std::uint32_t source = 0;  // the SSRC being forwarded
    std::uint16_t seq_offset = 0, last_seq = 0;
    std::uint32_t ts_offset = 0, last_ts = 0;
  } continuity;

  // Rewrites one RTP packet in place (`rtp` mapped for writing).
  void rewrite(GstRTPBuffer* rtp);
};

// Asks whoever feeds `sink_pad` for a keyframe: the request travels upstream (through a
// forwarder and a tee, if there are) into the sender's webrtcbin, whose RTP session sends a PLI.
void request_keyframe(GstPad* sink_pad);

class Forwarder {
 public:
  // Installs the rewriting probes on `pad` (the source pad of a tee branch).
  Forwarder(GstPad* pad, std::shared_ptr<ForwardTarget> target);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

 private:
  GstPtr<GstPad> pad_;
  gulong probe_ = 0;
};

}  // namespace assist::media
