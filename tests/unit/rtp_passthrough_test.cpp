// The jitter buffer stand-in, alone (appsrc → passthrough → appsink) and inside a real rtpbin
// the way webrtcbin's rtpbin gets it, through "request-jitterbuffer".
#include "rtp_passthrough.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "gst_ptr.h"

namespace assist::media {
namespace {

constexpr const char* rtp_caps =
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000,ssrc=(uint)4242";

GstBuffer* rtp_packet(std::uint16_t seq) {
  GstBuffer* buffer = gst_rtp_buffer_new_allocate(10, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map(buffer, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type(&rtp, 96);
  gst_rtp_buffer_set_ssrc(&rtp, 4242);
  gst_rtp_buffer_set_seq(&rtp, seq);
  gst_rtp_buffer_set_timestamp(&rtp, 3000u * seq);
  gst_rtp_buffer_unmap(&rtp);
  return buffer;
}

struct Pulled {
  std::uint16_t seq = 0;
  bool timestamped = false;
};

std::vector<Pulled> pull(GstElement* sink, std::size_t count) {
  std::vector<Pulled> pulled;
  while (pulled.size() < count) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 5 * GST_SECOND);
    if (!sample) break;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    gst_rtp_buffer_map(buffer, GST_MAP_READ, &rtp);
    pulled.push_back({gst_rtp_buffer_get_seq(&rtp), GST_BUFFER_PTS_IS_VALID(buffer)});
    gst_rtp_buffer_unmap(&rtp);
    gst_sample_unref(sample);
  }
  return pulled;
}

std::vector<std::uint16_t> seqs(const std::vector<Pulled>& pulled) {
  std::vector<std::uint16_t> out;
  for (const auto& p : pulled) out.push_back(p.seq);
  return out;
}

GstElement* make_source(const char* caps_text) {
  GstElement* src = gst_element_factory_make("appsrc", nullptr);
  GstPtr<GstCaps> caps(gst_caps_from_string(caps_text));
  g_object_set(src, "caps", caps.get(), "format", GST_FORMAT_TIME, nullptr);
  return src;
}

GstElement* make_sink() {
  GstElement* sink = gst_element_factory_make("appsink", nullptr);
  g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
  return sink;
}

// Counts warnings and criticals GLib logs while alive (a property rtpbin or webrtcbin sets
// that the element lacks would be one).
class LogWatch {
 public:
  LogWatch() {
    for (const char* domain : domains) {
      ids_.push_back(g_log_set_handler(domain, GLogLevelFlags(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL), count,
                                       &count_));
    }
  }
  ~LogWatch() {
    for (std::size_t i = 0; i < ids_.size(); ++i) g_log_remove_handler(domains[i], ids_[i]);
  }
  int count() const { return count_.load(); }

 private:
  static constexpr const char* domains[] = {"GLib-GObject", "GStreamer", "GLib"};
  static void count(const gchar*, GLogLevelFlags, const gchar*, gpointer data) {
    ++*static_cast<std::atomic<int>*>(data);
  }
  std::vector<guint> ids_;
  std::atomic<int> count_{0};
};

TEST(RtpPassthrough, RtpbinForwardsEachPacketAsItArrivesWithoutAJitterBuffer) {
  gst_init(nullptr, nullptr);
  LogWatch log;
  GstElement* pipeline = gst_pipeline_new(nullptr);
  GstElement* rtpbin = gst_element_factory_make("rtpbin", nullptr);
  GstElement* src = make_source(rtp_caps);
  GstElement* sink = make_sink();
  g_object_set(rtpbin, "latency", 200u, "do-retransmission", TRUE, nullptr);
  g_signal_connect(rtpbin, "request-jitterbuffer", G_CALLBACK(+[](GstElement*, guint) { return make_rtp_passthrough(); }),
                   nullptr);
  g_signal_connect(rtpbin, "pad-added", G_CALLBACK(+[](GstElement*, GstPad* pad, gpointer data) {
                     if (!g_str_has_prefix(GST_PAD_NAME(pad), "recv_rtp_src_")) return;
                     GstPtr<GstPad> sink_pad(gst_element_get_static_pad(static_cast<GstElement*>(data), "sink"));
                     gst_pad_link(pad, sink_pad.get());
                   }),
                   sink);
  gst_bin_add_many(GST_BIN(pipeline), src, rtpbin, sink, nullptr);
  ASSERT_TRUE(gst_element_link_pads(src, "src", rtpbin, "recv_rtp_sink_0"));
  gst_element_set_state(pipeline, GST_STATE_PLAYING);

  // Two in order (the session's probation for a new source), then some out of order, as the
  // network may deliver them: a jitter buffer would sort them.
  for (std::uint16_t seq : {1, 2, 3, 5, 4, 6}) gst_app_src_push_buffer(GST_APP_SRC(src), rtp_packet(seq));
  auto pulled = pull(sink, 6);
  EXPECT_EQ(seqs(pulled), (std::vector<std::uint16_t>{1, 2, 3, 5, 4, 6}));
  for (const auto& p : pulled) EXPECT_TRUE(p.timestamped) << "packet " << p.seq << " has no timestamp";

  bool has_jitterbuffer = false;
  GstIterator* it = gst_bin_iterate_recurse(GST_BIN(rtpbin));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    GstElementFactory* factory = gst_element_get_factory(GST_ELEMENT(g_value_get_object(&item)));
    if (factory && std::strcmp(GST_OBJECT_NAME(factory), "rtpjitterbuffer") == 0) has_jitterbuffer = true;
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  EXPECT_FALSE(has_jitterbuffer);

  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  EXPECT_EQ(log.count(), 0);
}

TEST(RtpPassthrough, TakesTheSettingsRtpbinAndWebrtcbinGiveAJitterBuffer) {
  gst_init(nullptr, nullptr);
  GstPtr<GstElement> element(GST_ELEMENT(gst_object_ref_sink(make_rtp_passthrough())));
  g_object_set(element.get(), "latency", 50u, "do-retransmission", TRUE, nullptr);
  guint latency = 0;
  gboolean retransmission = FALSE;
  g_object_get(element.get(), "latency", &latency, "do-retransmission", &retransmission, nullptr);
  EXPECT_EQ(latency, 50u);
  EXPECT_TRUE(retransmission);
}

// An upstream event from the receiving side (a keyframe request) reaches the RTP source once and
// never the RTCP one; RTCP buffers stop at the element.
TEST(RtpPassthrough, KeyframeRequestsGoUpTheRtpPathOnlyAndRtcpIsDropped) {
  gst_init(nullptr, nullptr);
  GstElement* pipeline = gst_pipeline_new(nullptr);
  GstElement* src = make_source(rtp_caps);
  GstElement* rtcp = make_source("application/x-rtcp");
  GstElement* element = make_rtp_passthrough();
  GstElement* sink = make_sink();
  gst_bin_add_many(GST_BIN(pipeline), src, rtcp, element, sink, nullptr);
  ASSERT_TRUE(gst_element_link_many(src, element, sink, nullptr));
  ASSERT_TRUE(gst_element_link_pads(rtcp, "src", element, "sink_rtcp"));

  std::atomic<int> rtp_requests{0}, rtcp_requests{0};
  auto count_requests = +[](GstPad*, GstPadProbeInfo* info, gpointer data) {
    const GstStructure* s = gst_event_get_structure(GST_PAD_PROBE_INFO_EVENT(info));
    if (s && gst_structure_has_name(s, "GstForceKeyUnit")) ++*static_cast<std::atomic<int>*>(data);
    return GST_PAD_PROBE_OK;
  };
  GstPtr<GstPad> src_pad(gst_element_get_static_pad(src, "src"));
  GstPtr<GstPad> rtcp_pad(gst_element_get_static_pad(rtcp, "src"));
  gst_pad_add_probe(src_pad.get(), GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, count_requests, &rtp_requests, nullptr);
  gst_pad_add_probe(rtcp_pad.get(), GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, count_requests, &rtcp_requests, nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);

  gst_app_src_push_buffer(GST_APP_SRC(rtcp), gst_buffer_new_allocate(nullptr, 8, nullptr));
  gst_app_src_push_buffer(GST_APP_SRC(src), rtp_packet(7));
  EXPECT_EQ(seqs(pull(sink, 1)), (std::vector<std::uint16_t>{7}));

  GstPtr<GstPad> sink_pad(gst_element_get_static_pad(sink, "sink"));
  gst_pad_push_event(sink_pad.get(), gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM,
                                                          gst_structure_new_empty("GstForceKeyUnit")));
  EXPECT_EQ(rtp_requests.load(), 1);
  EXPECT_EQ(rtcp_requests.load(), 0);

  gst_app_src_push_buffer(GST_APP_SRC(src), rtp_packet(8));
  EXPECT_EQ(seqs(pull(sink, 1)), (std::vector<std::uint16_t>{8})) << "the RTCP buffer reached the RTP output";

  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
}

// Where NACK is negotiated, packets missing from the sequence are asked for upstream at once,
// where our RTP session turns the request into a NACK to the sender.
std::vector<guint> retransmission_requests(bool enabled, std::initializer_list<std::uint16_t> arrivals) {
  GstElement* pipeline = gst_pipeline_new(nullptr);
  GstElement* src = make_source(rtp_caps);
  GstElement* element = make_rtp_passthrough();
  GstElement* sink = make_sink();
  g_object_set(element, "do-retransmission", gboolean(enabled), nullptr);
  gst_bin_add_many(GST_BIN(pipeline), src, element, sink, nullptr);
  gst_element_link_many(src, element, sink, nullptr);
  std::vector<guint> requested;
  GstPtr<GstPad> src_pad(gst_element_get_static_pad(src, "src"));
  gst_pad_add_probe(src_pad.get(), GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
                    +[](GstPad*, GstPadProbeInfo* info, gpointer data) {
                      const GstStructure* s = gst_event_get_structure(GST_PAD_PROBE_INFO_EVENT(info));
                      guint seqnum = 0, ssrc = 0;
                      if (s && gst_structure_has_name(s, "GstRTPRetransmissionRequest") &&
                          gst_structure_get_uint(s, "seqnum", &seqnum) && gst_structure_get_uint(s, "ssrc", &ssrc) &&
                          ssrc == 4242)
                        static_cast<std::vector<guint>*>(data)->push_back(seqnum);
                      return GST_PAD_PROBE_OK;
                    },
                    &requested, nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  for (std::uint16_t seq : arrivals) gst_app_src_push_buffer(GST_APP_SRC(src), rtp_packet(seq));
  EXPECT_EQ(pull(sink, arrivals.size()).size(), arrivals.size());
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return requested;
}

TEST(RtpPassthrough, AsksTheSenderAgainForMissingPacketsWhereNackIsNegotiated) {
  gst_init(nullptr, nullptr);
  // 3 and 4 missing when 5 comes (4 was only late: asked for all the same). A sender that starts
  // over far ahead or far behind leaves no gap to fill, and counting goes on from there; sequence
  // numbers wrap.
  EXPECT_EQ(retransmission_requests(true, {1, 2, 5, 4, 6, 500, 501, 9, 10, 12}), (std::vector<guint>{3, 4, 11}));
  EXPECT_EQ(retransmission_requests(true, {65534, 0, 1}), (std::vector<guint>{65535}));
  EXPECT_EQ(retransmission_requests(false, {1, 2, 5}), (std::vector<guint>{}));
}

}  // namespace
}  // namespace assist::media
