// The forwarder on a real GStreamer graph without the network: appsrc → tee → appsink, with
// the forwarder on the tee's branch, as the room puts it in front of a receiver's webrtcbin.
#include "forwarder.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <vector>

namespace assist::media {
namespace {

struct Packet {
  unsigned payload;
  std::uint32_t ssrc;
  std::uint16_t seq;
  std::uint32_t ts;
};

GstBuffer* rtp_packet(const Packet& p) {
  GstBuffer* buffer = gst_rtp_buffer_new_allocate(10, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map(buffer, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type(&rtp, static_cast<guint8>(p.payload));
  gst_rtp_buffer_set_ssrc(&rtp, p.ssrc);
  gst_rtp_buffer_set_seq(&rtp, p.seq);
  gst_rtp_buffer_set_timestamp(&rtp, p.ts);
  gst_rtp_buffer_unmap(&rtp);
  return buffer;
}

class ForwarderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gst_init(nullptr, nullptr);
    pipeline_ = gst_pipeline_new(nullptr);
    src_ = gst_element_factory_make("appsrc", nullptr);
    GstElement* tee = gst_element_factory_make("tee", nullptr);
    sink_ = gst_element_factory_make("appsink", nullptr);
    other_ = gst_element_factory_make("appsink", nullptr);
    GstPtr<GstCaps> caps(gst_caps_from_string("application/x-rtp,media=video,encoding-name=VP8,payload=97,"
                                              "clock-rate=90000,ssrc=(uint)111"));
    g_object_set(src_, "caps", caps.get(), "format", GST_FORMAT_TIME, nullptr);
    // Not async: a prerolling sink would hold the tee, and the other branch would never preroll.
    g_object_set(sink_, "sync", FALSE, "async", FALSE, nullptr);
    g_object_set(other_, "sync", FALSE, "async", FALSE, nullptr);
    gst_bin_add_many(GST_BIN(pipeline_), src_, tee, sink_, other_, nullptr);
    gst_element_link(src_, tee);
    branch_.reset(gst_element_request_pad_simple(tee, "src_%u"));
    GstPtr<GstPad> sink_pad(gst_element_get_static_pad(sink_, "sink"));
    GstPtr<GstPad> other_branch(gst_element_request_pad_simple(tee, "src_%u"));
    GstPtr<GstPad> other_pad(gst_element_get_static_pad(other_, "sink"));
    gst_pad_link(other_branch.get(), other_pad.get());
    target_ = std::make_shared<ForwardTarget>(
        96, 0xabcdef, 90000,
        GstPtr<GstCaps>(gst_caps_from_string("application/x-rtp,media=video,encoding-name=VP8,payload=96,"
                                             "clock-rate=90000,ssrc=(uint)11259375")));
    forwarder_ = std::make_unique<Forwarder>(branch_.get(), target_);
    ASSERT_EQ(gst_pad_link(branch_.get(), sink_pad.get()), GST_PAD_LINK_OK);
    gst_element_set_state(pipeline_, GST_STATE_PLAYING);
  }

  void TearDown() override {
    forwarder_.reset();
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(pipeline_);
  }

  void push(const Packet& p) { gst_app_src_push_buffer(GST_APP_SRC(src_), rtp_packet(p)); }

  static Packet pull(GstElement* sink) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 5 * GST_SECOND);
    EXPECT_NE(sample, nullptr);
    if (!sample) return {};
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    gst_rtp_buffer_map(gst_sample_get_buffer(sample), GST_MAP_READ, &rtp);
    Packet p{gst_rtp_buffer_get_payload_type(&rtp), gst_rtp_buffer_get_ssrc(&rtp), gst_rtp_buffer_get_seq(&rtp),
             gst_rtp_buffer_get_timestamp(&rtp)};
    gst_rtp_buffer_unmap(&rtp);
    gst_sample_unref(sample);
    return p;
  }

  GstElement* pipeline_ = nullptr;
  GstElement* src_ = nullptr;
  GstElement* sink_ = nullptr;
  GstElement* other_ = nullptr;
  GstPtr<GstPad> branch_;
  std::shared_ptr<ForwardTarget> target_;
  std::unique_ptr<Forwarder> forwarder_;
};

TEST_F(ForwarderTest, StampsTheReceiversPayloadTypeAndSsrcAndLeavesOtherBranchesAlone) {
  push({97, 111, 500, 9000});
  const auto out = pull(sink_);
  EXPECT_EQ(out.payload, 96u);
  EXPECT_EQ(out.ssrc, 0xabcdefu);
  EXPECT_EQ(out.seq, 500);
  EXPECT_EQ(out.ts, 9000u);
  const auto untouched = pull(other_);
  EXPECT_EQ(untouched.payload, 97u);
  EXPECT_EQ(untouched.ssrc, 111u);
  // The receiver's caps, not the sender's.
  GstPtr<GstPad> pad(gst_element_get_static_pad(sink_, "sink"));
  GstPtr<GstCaps> caps(gst_pad_get_current_caps(pad.get()));
  ASSERT_TRUE(caps);
  int payload = 0;
  gst_structure_get_int(gst_caps_get_structure(caps.get(), 0), "payload", &payload);
  EXPECT_EQ(payload, 96);
}

TEST_F(ForwarderTest, ANewSenderContinuesTheSequenceAndTimeline) {
  push({97, 111, 65534, 4294967000u});
  push({97, 111, 65535, 4294967200u});
  push({97, 111, 0, 100});  // both wrap
  for (int i = 0; i < 3; ++i) pull(sink_);
  push({97, 222, 7000, 5});  // a reload: another SSRC, unrelated numbers
  push({97, 222, 7001, 3005});
  const auto first = pull(sink_);
  const auto second = pull(sink_);
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(first.ts, 100u + 90000 / 50);
  EXPECT_EQ(second.ts, first.ts + 3000);
  EXPECT_EQ(first.ssrc, 0xabcdefu);
}

// A receiver's keyframe request names the receiver's SSRC, which the sender's session does not
// know; without it the sender's rtpssrcdemux names the sender's.
TEST_F(ForwarderTest, KeyframeRequestsGoUpstreamWithoutTheReceiversSsrc) {
  push({97, 111, 1, 1});
  pull(sink_);
  GstPtr<GstPad> source(gst_element_get_static_pad(src_, "src"));
  static bool seen = false, had_ssrc = true;
  seen = false;
  gst_pad_add_probe(
      source.get(), GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      +[](GstPad*, GstPadProbeInfo* info, gpointer) {
        const GstStructure* s = gst_event_get_structure(GST_PAD_PROBE_INFO_EVENT(info));
        if (s && gst_structure_has_name(s, "GstForceKeyUnit")) {
          seen = true;
          had_ssrc = gst_structure_has_field(s, "ssrc");
        }
        return GST_PAD_PROBE_OK;
      },
      nullptr, nullptr);
  GstEvent* request = gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0);
  gst_structure_set(gst_event_writable_structure(request), "ssrc", G_TYPE_UINT, 0xabcdefu, nullptr);
  GstPtr<GstPad> sink_pad(gst_element_get_static_pad(sink_, "sink"));
  gst_pad_push_event(sink_pad.get(), request);
  EXPECT_TRUE(seen);
  EXPECT_FALSE(had_ssrc);
}

// A customer's page that reloads closes its DTLS first, and its webrtcbin ends its streams. The
// specialist's connection lives on and takes the reloaded page's packets on the same sink pad.
TEST_F(ForwarderTest, ASendersEndOfStreamDoesNotEndTheReceiversStream) {
  push({97, 111, 1, 1});
  pull(sink_);
  gst_app_src_end_of_stream(GST_APP_SRC(src_));
  GstSample* last = gst_app_sink_try_pull_sample(GST_APP_SINK(other_), 5 * GST_SECOND);
  ASSERT_NE(last, nullptr);
  gst_sample_unref(last);
  ASSERT_TRUE(gst_app_sink_try_pull_sample(GST_APP_SINK(other_), 5 * GST_SECOND) == nullptr);
  ASSERT_TRUE(gst_app_sink_is_eos(GST_APP_SINK(other_))) << "the end of stream was never sent";
  EXPECT_FALSE(gst_app_sink_is_eos(GST_APP_SINK(sink_)));
  GstPtr<GstPad> sink_pad(gst_element_get_static_pad(sink_, "sink"));
  EXPECT_FALSE(GST_PAD_IS_EOS(sink_pad.get()));
  EXPECT_EQ(gst_pad_chain(sink_pad.get(), rtp_packet({96, 0xabcdef, 2, 2})), GST_FLOW_OK);
}

TEST_F(ForwarderTest, RemovedForwarderStopsRewriting) {
  forwarder_.reset();
  push({97, 111, 10, 10});
  EXPECT_EQ(pull(sink_).payload, 97u);
}

}  // namespace
}  // namespace assist::media
