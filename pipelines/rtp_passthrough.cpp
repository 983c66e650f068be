#include "rtp_passthrough.h"

#include <gst/rtp/gstrtpbuffer.h>

namespace assist::media {
namespace {

struct RtpPassthrough {
  GstElement parent;
  GstPad* sink;
  GstPad* src;
  guint latency_ms;
  gint do_retransmission;  // read in the streaming thread, set from others: g_atomic_int
  // Streaming-thread state: the highest sequence number seen.
  bool started;
  guint16 highest_seq;
};

struct RtpPassthroughClass {
  GstElementClass parent_class;
};

enum { PROP_0, PROP_LATENCY, PROP_DO_RETRANSMISSION };

GType rtp_passthrough_get_type();
RtpPassthrough* cast(gpointer object) {
  return G_TYPE_CHECK_INSTANCE_CAST(object, rtp_passthrough_get_type(), RtpPassthrough);
}

GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));
GstStaticPadTemplate rtcp_template =
    GST_STATIC_PAD_TEMPLATE("sink_rtcp", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS("application/x-rtcp"));
GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-rtp"));

// The running time now: what rtpjitterbuffer would have given a packet with no timestamp.
void stamp_arrival(GstElement* element, GstBuffer* buffer) {
  GstClock* clock = gst_element_get_clock(element);
  if (!clock) return;
  GstClockTime now = gst_clock_get_time(clock);
  gst_object_unref(clock);
  GstClockTime base = gst_element_get_base_time(element);
  if (now >= base) GST_BUFFER_PTS(buffer) = GST_BUFFER_DTS(buffer) = now - base;
}

// A jump this far, either way, is a new start (a sender that restarted), not loss to ask for.
constexpr int max_requested_gap = 32;

// Packets missing between the highest sequence number seen and this one are asked for again
// at once (a NACK from our session to the sender), as rtpjitterbuffer would with
// do-retransmission: the sender's browser resends them and they are forwarded when they come.
// A packet that was only reordered arrives twice; the receiver drops the copy.
void request_missing(RtpPassthrough* self, GstBuffer* buffer) {
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(buffer, GST_MAP_READ, &rtp)) return;
  guint16 seq = gst_rtp_buffer_get_seq(&rtp);
  guint32 ssrc = gst_rtp_buffer_get_ssrc(&rtp);
  gst_rtp_buffer_unmap(&rtp);
  int ahead = static_cast<gint16>(seq - self->highest_seq);
  if (self->started && ahead <= 0 && ahead > -max_requested_gap) return;  // late, or a copy
  if (self->started && ahead > 0 && ahead < max_requested_gap) {
    for (guint16 missing = self->highest_seq + 1; missing != seq; ++missing) {
      GstStructure* request = gst_structure_new("GstRTPRetransmissionRequest", "seqnum", G_TYPE_UINT, guint(missing),
                                                "ssrc", G_TYPE_UINT, ssrc, nullptr);
      gst_pad_push_event(self->sink, gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM, request));
    }
  }
  self->started = true;
  self->highest_seq = seq;
}

GstFlowReturn chain(GstPad*, GstObject* parent, GstBuffer* buffer) {
  RtpPassthrough* self = cast(parent);
  if (g_atomic_int_get(&self->do_retransmission)) request_missing(self, buffer);
  if (!GST_BUFFER_PTS_IS_VALID(buffer) && !GST_BUFFER_DTS_IS_VALID(buffer)) {
    buffer = gst_buffer_make_writable(buffer);
    stamp_arrival(GST_ELEMENT(parent), buffer);
  }
  return gst_pad_push(self->src, buffer);
}

GstFlowReturn drop_rtcp(GstPad*, GstObject*, GstBuffer* buffer) {
  gst_buffer_unref(buffer);
  return GST_FLOW_OK;
}

gboolean drop_rtcp_event(GstPad*, GstObject*, GstEvent* event) {
  gst_event_unref(event);
  return TRUE;
}

// Events and queries go straight to the other pad of the pair, never into sink_rtcp: a
// keyframe request sent up both would become two PLIs.
gboolean sink_event(GstPad*, GstObject* parent, GstEvent* event) { return gst_pad_push_event(cast(parent)->src, event); }
gboolean src_event(GstPad*, GstObject* parent, GstEvent* event) { return gst_pad_push_event(cast(parent)->sink, event); }
gboolean sink_query(GstPad*, GstObject* parent, GstQuery* query) { return gst_pad_peer_query(cast(parent)->src, query); }
gboolean src_query(GstPad*, GstObject* parent, GstQuery* query) { return gst_pad_peer_query(cast(parent)->sink, query); }

GstPad* request_new_pad(GstElement* element, GstPadTemplate* templ, const gchar*, const GstCaps*) {
  if (GstPad* taken = gst_element_get_static_pad(element, "sink_rtcp")) {
    gst_object_unref(taken);
    return nullptr;
  }
  GstPad* pad = gst_pad_new_from_template(templ, "sink_rtcp");
  gst_pad_set_chain_function(pad, drop_rtcp);
  gst_pad_set_event_function(pad, drop_rtcp_event);
  gst_pad_set_active(pad, TRUE);
  gst_element_add_pad(element, pad);
  return pad;
}

void release_pad(GstElement* element, GstPad* pad) {
  gst_pad_set_active(pad, FALSE);
  gst_element_remove_pad(element, pad);
}

void set_property(GObject* object, guint id, const GValue* value, GParamSpec* spec) {
  RtpPassthrough* self = cast(object);
  switch (id) {
    case PROP_LATENCY: self->latency_ms = g_value_get_uint(value); break;
    case PROP_DO_RETRANSMISSION: g_atomic_int_set(&self->do_retransmission, g_value_get_boolean(value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, spec);
  }
}

void get_property(GObject* object, guint id, GValue* value, GParamSpec* spec) {
  RtpPassthrough* self = cast(object);
  switch (id) {
    case PROP_LATENCY: g_value_set_uint(value, self->latency_ms); break;
    case PROP_DO_RETRANSMISSION: g_value_set_boolean(value, g_atomic_int_get(&self->do_retransmission)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, spec);
  }
}

void class_init(gpointer klass, gpointer) {
  auto* object_class = G_OBJECT_CLASS(klass);
  object_class->set_property = set_property;
  object_class->get_property = get_property;
  auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      object_class, PROP_LATENCY,
      g_param_spec_uint("latency", "Latency", "Set by rtpbin; nothing is buffered", 0, G_MAXUINT, 0, flags));
  g_object_class_install_property(
      object_class, PROP_DO_RETRANSMISSION,
      g_param_spec_boolean("do-retransmission", "Do retransmission",
                           "Ask the sender again for packets that went missing (set by webrtcbin where NACK "
                           "is negotiated)", FALSE,
                           flags));
  auto* element_class = GST_ELEMENT_CLASS(klass);
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &rtcp_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(element_class, "RTP passthrough", "Filter/Network/RTP",
                                        "Stands in for a jitter buffer where packets are only forwarded", "assist");
  element_class->request_new_pad = request_new_pad;
  element_class->release_pad = release_pad;
}

void instance_init(GTypeInstance* instance, gpointer) {
  RtpPassthrough* self = cast(instance);
  self->sink = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sink, chain);
  gst_pad_set_event_function(self->sink, sink_event);
  gst_pad_set_query_function(self->sink, sink_query);
  self->src = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_event_function(self->src, src_event);
  gst_pad_set_query_function(self->src, src_query);
  gst_element_add_pad(GST_ELEMENT(self), self->sink);
  gst_element_add_pad(GST_ELEMENT(self), self->src);
}

GType rtp_passthrough_get_type() {
  static const GType type = g_type_register_static_simple(
      GST_TYPE_ELEMENT, "AssistRtpPassthrough", sizeof(RtpPassthroughClass), class_init, sizeof(RtpPassthrough),
      instance_init, GTypeFlags(0));
  return type;
}

}  // namespace

GstElement* make_rtp_passthrough() { return GST_ELEMENT(g_object_new(rtp_passthrough_get_type(), nullptr)); }

}  // namespace assist::media
