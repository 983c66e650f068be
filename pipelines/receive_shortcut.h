// Lets received packets skip webrtcbin's receive queue while it is open and empty.
//
// Every webrtcbin transport reads the network in nicesrc's thread and hands each packet through
// a queue to a second thread for DTLS/SRTP and RTP processing (and, here, forwarding). That
// queue exists for one reason: while the transport is not ready for media (before ICE connects,
// during an ICE restart) webrtcbin blocks the queue's output, and nicesrc's thread, which also
// answers ICE connectivity checks, must never block. The rest of the time the hand-off costs
// a wake-up and a context switch per packet for nothing.
//
// So a probe on the queue's input passes each packet straight to what the queue feeds (past
// dtlssrtpdec's ghost pad: see pad_shortcut.h), in the thread it arrived on, when the queue is
// empty and its output not blocked; otherwise the packet goes into the queue as before. Nothing skips ahead of the stream's first events (stream-start,
// caps, segment), and events always take the queue. A packet that arrives just as the queue hands
// on its last one may pass it, once per unblocking; RTP, SRTP and DTLS all allow for reordering.
#pragma once

#include <gst/gst.h>

namespace assist::media {

// True for the queue inside a webrtcbin transport receive bin (`parent` is the bin that
// `element` was added to, as "deep-element-added" reports it).
bool is_receive_queue(GstBin* parent, GstElement* element);

// Installs the shortcut on that queue; it removes itself with the queue.
void shortcut_receive_queue(GstElement* queue);

}  // namespace assist::media
