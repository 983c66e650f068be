// A stream the test pushes itself, from a source pad of its own, for probes and shortcuts tested
// on real elements.
#pragma once

#include <gst/gst.h>

#include "gst_ptr.h"

namespace assist::media {

// An active source pad, not yet linked.
inline GstPtr<GstPad> make_test_source() {
  GstPtr<GstPad> pad(GST_PAD(gst_object_ref_sink(gst_pad_new("upstream", GST_PAD_SRC))));
  gst_pad_set_active(pad.get(), TRUE);
  return pad;
}

// The events every stream starts with: stream-start, caps, a time segment.
inline void send_stream_start(GstPad* source, const char* caps_text) {
  gst_pad_push_event(source, gst_event_new_stream_start("test"));
  GstPtr<GstCaps> caps(gst_caps_from_string(caps_text));
  gst_pad_push_event(source, gst_event_new_caps(caps.get()));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_pad_push_event(source, gst_event_new_segment(&segment));
}

}  // namespace assist::media
