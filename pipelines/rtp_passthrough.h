// What rtpbin gets instead of a jitter buffer for each stream a participant sends us.
//
// rtpjitterbuffer runs two threads per received SSRC and hands every packet from the network
// thread to its own task; for a server that only forwards RTP (the receiving browser has its own
// jitter buffer, as it would behind Janus) that hand-off, its timer and its mutexes were about
// half of assistd's CPU. This element pushes each packet on in the thread it arrived on.
//
// It keeps the contract rtpbin and webrtcbin expect of a jitter buffer: "sink" and "src" pads,
// a "sink_rtcp" request pad (RTCP for the stream, dropped: forwarding needs no lip-sync
// offsets), and the "latency" property rtpbin sets (kept; nothing is buffered). With
// "do-retransmission" (webrtcbin sets it where NACK is negotiated) a gap in sequence numbers
// asks the sender for the missing packets at once, as the jitter buffer would have.
// Packets that arrive without a timestamp are stamped with their arrival time, as the jitter
// buffer would, so the receiving session's sender reports map RTP time to wall-clock time.
#pragma once

#include <gst/gst.h>

namespace assist::media {

// A new element (floating reference), for rtpbin's "request-jitterbuffer" signal.
GstElement* make_rtp_passthrough();

}  // namespace assist::media
