#include "forwarder.h"

#include <gst/video/video.h>

namespace assist::media {
namespace {

// Sequence number a is after b (RFC 3550 arithmetic).
bool seq_after(std::uint16_t a, std::uint16_t b) { return static_cast<std::int16_t>(a - b) > 0; }
bool ts_after(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

bool rewrite_buffer(GstBuffer* buffer, ForwardTarget& target) {
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map(buffer, GST_MAP_READWRITE, &rtp)) return false;
  target.rewrite(&rtp);
  gst_rtp_buffer_unmap(&rtp);
  return true;
}

GstPadProbeReturn on_data(GstPad*, GstPadProbeInfo* info, gpointer data) {
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_UPSTREAM) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    const GstStructure* s = gst_event_get_structure(event);
    if (GST_EVENT_TYPE(event) == GST_EVENT_CUSTOM_UPSTREAM && s && gst_structure_has_field(s, "ssrc")) {
      event = gst_event_make_writable(event);
      gst_structure_remove_field(gst_event_writable_structure(event), "ssrc");
      GST_PAD_PROBE_INFO_DATA(info) = event;
    }
    return GST_PAD_PROBE_OK;
  }
  auto& target = **static_cast<std::shared_ptr<ForwardTarget>*>(data);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    // Shared with the tee's other branches: this copy is ours to change.
    GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
    return rewrite_buffer(buffer, target) ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
  }
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList* list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    GST_PAD_PROBE_INFO_DATA(info) = list;
    for (guint i = 0; i < gst_buffer_list_length(list); ++i) {
      GstBuffer* buffer = gst_buffer_make_writable(gst_buffer_ref(gst_buffer_list_get(list, i)));
      rewrite_buffer(buffer, target);
      gst_buffer_list_remove(list, i, 1);
      gst_buffer_list_insert(list, static_cast<gint>(i), buffer);
    }
    return GST_PAD_PROBE_OK;
  }
  if (info->type & GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM) {
    // The receiver takes its own caps, whatever the sender's say (they differ in payload type
    // and SSRC): the branch accepts what it is offered, and the caps event is replaced below.
    GstQuery* query = GST_PAD_PROBE_INFO_QUERY(info);
    if (GST_QUERY_TYPE(query) == GST_QUERY_ACCEPT_CAPS) {
      gst_query_set_accept_caps_result(query, TRUE);
      return GST_PAD_PROBE_HANDLED;
    }
    if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS) {
      GstCaps* filter = nullptr;
      gst_query_parse_caps(query, &filter);
      GstPtr<GstCaps> any(gst_caps_new_empty_simple("application/x-rtp"));
      gst_query_set_caps_result(query, filter ? filter : any.get());
      return GST_PAD_PROBE_HANDLED;
    }
    return GST_PAD_PROBE_OK;
  }
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  // One sender's end (a page closing its DTLS as it unloads) is not the receiver's: an EOS
  // would stay on the receiver's sink pad, and the next sender's packets would come back
  // EOS all the way to its nicesrc, which then stops reading that connection for good.
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) return GST_PAD_PROBE_DROP;
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    gst_event_unref(event);
    GST_PAD_PROBE_INFO_DATA(info) = gst_event_new_caps(target.caps.get());
  }
  return GST_PAD_PROBE_OK;
}

}  // namespace

void request_keyframe(GstPad* sink_pad) {
  gst_pad_push_event(sink_pad, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
}

ForwardTarget::ForwardTarget(unsigned payload_type, std::uint32_t ssrc_, unsigned clock, GstPtr<GstCaps> caps_)
    : payload(payload_type), ssrc(ssrc_), clock_rate(clock), caps(std::move(caps_)) {}

void ForwardTarget::rewrite(GstRTPBuffer* rtp) {
  const std::uint32_t source = gst_rtp_buffer_get_ssrc(rtp);
  const std::uint16_t seq = gst_rtp_buffer_get_seq(rtp);
  const std::uint32_t ts = gst_rtp_buffer_get_timestamp(rtp);
  auto& c = continuity;
  const bool first = !c.started;
  if (first) {
    c.started = true;
    c.source = source;
  } else if (source != c.source) {
    // A new sender on the same receiving stream: carry on from where the last one stopped,
    // with a frame's worth of time in between.
    c.source = source;
    c.seq_offset = static_cast<std::uint16_t>(c.last_seq + 1 - seq);
    c.ts_offset = c.last_ts + clock_rate / 50 - ts;
  }
  const auto out_seq = static_cast<std::uint16_t>(seq + c.seq_offset);
  const std::uint32_t out_ts = ts + c.ts_offset;
  if (first || seq_after(out_seq, c.last_seq)) c.last_seq = out_seq;
  if (first || ts_after(out_ts, c.last_ts)) c.last_ts = out_ts;
  gst_rtp_buffer_set_ssrc(rtp, ssrc);
  gst_rtp_buffer_set_payload_type(rtp, static_cast<guint8>(payload));
  gst_rtp_buffer_set_seq(rtp, out_seq);
  gst_rtp_buffer_set_timestamp(rtp, out_ts);
}

Forwarder::Forwarder(GstPad* pad, std::shared_ptr<ForwardTarget> target)
    : pad_(GST_PAD(gst_object_ref(pad))) {
  probe_ = gst_pad_add_probe(
      pad,
      GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                   GST_PAD_PROBE_TYPE_EVENT_UPSTREAM | GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM),
      on_data, new std::shared_ptr<ForwardTarget>(std::move(target)),
      +[](gpointer data) { delete static_cast<std::shared_ptr<ForwardTarget>*>(data); });
}

Forwarder::~Forwarder() {
  if (probe_) gst_pad_remove_probe(pad_.get(), probe_);
}

}  // namespace assist::media
