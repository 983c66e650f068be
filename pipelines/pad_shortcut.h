// Lets buffers leaving a pad skip the ghost pads and idle elements between it and the next pad
// that does work.
//
// webrtcbin 1.22 nests bins three deep and keeps elements for features our answers never
// negotiate in every stream's way: FEC and RED encoders and decoders and the packet store that
// feeds them, RTX, a clock synchronisation we switch off, a funnel that merges in DTLS, which only
// carries the handshake. A forwarded packet crossed 41
// pads, 29 of which passed it on unchanged; each crossing takes locks and type checks, and all of
// them together cost about as much as SRTP.
//
// A shortcut is a probe on a source pad. At the first buffer it follows the links downstream, into
// and out of ghost pads and through the elements below while their settings leave buffers as they
// are, to the first pad that does more; from then on it hands each buffer straight to that pad, in
// the same thread, as the skipped pads would have:
//   capsfilter     (its caps travel in events; buffers it passes as they are);
//   clocksync      with sync off (we turn it off on every one, see room.cpp);
//   rtpulpfecenc   with no FEC payload type, rtpredenc with no redundancy;
//   rtpulpfecdec   in passthrough (no FEC), rtpreddec with no RED payload types, rtpstorage
//                  keeping nothing (webrtc_peer.cpp empties it);
//   rtprtxsend, rtprtxreceive  with no RTX payload types (retransmissions, which rtprtxsend
//                  sends from its own thread, and requests, which are events, never skip);
//   funnel         inside dtlssrtpenc, in front of nicesink, which looks at nothing but the bytes.
// Only buffers take it: events and queries go the long way, so the pad at the end has the stream's
// events before the first buffer that skips to it. A buffer goes the long way whenever a skipped
// pad is flushing, at end of stream or blocked (webrtcbin blocks pads until DTLS is up), and the
// way is looked for again after a skipped link changes or a skipped element's settings do; an
// element once found doing work is not skipped again. Data
// probes on skipped pads are not run: webrtcbin has one, on its sink pads, which only acts before a
// transceiver has an m-line (see Room::link); nothing else in the media graph probes buffers.
#pragma once

#include <gst/gst.h>

#include <cstddef>
#include <memory>

namespace assist::media {

// The way from one source pad to the first pad downstream that does work, kept up to date. It does
// not hold `from`, and must not outlive it.
class Bypass {
 public:
  explicit Bypass(GstPad* from);
  ~Bypass();
  Bypass(const Bypass&) = delete;
  Bypass& operator=(const Bypass&) = delete;

  // That pad, if a buffer leaving `from` may be handed to it now; null for the long way. Call it
  // from the thread that pushes on `from`.
  GstPad* exit();
  bool searched() const;  // exit() has looked for the way
  std::size_t skips() const;  // links the way skips; 0 if there is nothing to skip

 private:
  struct State;
  GstPad* from_;
  std::unique_ptr<State> state_;
};

// Installs a shortcut on `from`; it removes itself if there is nothing to skip.
void add_shortcut(GstPad* from);

// Installs shortcuts on the source pads `element` has and will have (not on bins: their pads are
// what shortcuts skip).
void add_shortcuts(GstElement* element);

}  // namespace assist::media
