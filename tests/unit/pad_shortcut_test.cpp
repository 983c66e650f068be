// Shortcuts on real elements: the test's pad pushes RTP into a bin shaped like webrtcbin's send
// path (ghost pad → clocksync → rtpulpfecenc → rtpredenc → ghost pad) and on to an identity (the
// first element with work to do) and an appsink. Probes on the skipped pads count the buffers
// that took the long way.
#include "pad_shortcut.h"

#include <gst/gst.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <gtest/gtest.h>

#include <atomic>

#include "gst_ptr.h"
#include "test_stream.h"

namespace assist::media {
namespace {

GstPadProbeReturn count(GstPad*, GstPadProbeInfo*, gpointer data) {
  ++*static_cast<std::atomic<int>*>(data);
  return GST_PAD_PROBE_OK;
}

// A blocking probe that lets each buffer through: the pad is blocked in webrtcbin's sense.
GstPadProbeReturn let_through(GstPad*, GstPadProbeInfo*, gpointer data) {
  ++*static_cast<std::atomic<int>*>(data);
  return GST_PAD_PROBE_PASS;
}

GstPad* pad_of(GstElement* element, const char* name) { return gst_element_get_static_pad(element, name); }

class PadShortcutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gst_init(nullptr, nullptr);
    pipeline_ = gst_pipeline_new(nullptr);
    bin_ = gst_bin_new(nullptr);
    clocksync_ = gst_element_factory_make("clocksync", nullptr);
    fec_ = gst_element_factory_make("rtpulpfecenc", nullptr);
    red_ = gst_element_factory_make("rtpredenc", nullptr);
    g_object_set(clocksync_, "sync", FALSE, nullptr);
    g_object_set(red_, "pt", 0, "allow-no-red-blocks", FALSE, nullptr);  // as webrtcbin leaves it without RED
    gst_bin_add_many(GST_BIN(bin_), clocksync_, fec_, red_, nullptr);
    ASSERT_TRUE(gst_element_link_many(clocksync_, fec_, red_, nullptr));
    GstPtr<GstPad> inner_sink(pad_of(clocksync_, "sink")), inner_src(pad_of(red_, "src"));
    gst_element_add_pad(bin_, gst_ghost_pad_new("sink", inner_sink.get()));
    gst_element_add_pad(bin_, gst_ghost_pad_new("src", inner_src.get()));

    worker_ = gst_element_factory_make("identity", nullptr);
    sink_ = gst_element_factory_make("fakesink", nullptr);
    other_worker_ = gst_element_factory_make("identity", nullptr);
    other_sink_ = gst_element_factory_make("fakesink", nullptr);
    for (GstElement* s : {sink_, other_sink_}) g_object_set(s, "sync", FALSE, "async", FALSE, nullptr);
    gst_bin_add_many(GST_BIN(pipeline_), bin_, worker_, sink_, other_worker_, other_sink_, nullptr);
    ASSERT_TRUE(gst_element_link_many(bin_, worker_, sink_, nullptr));
    ASSERT_TRUE(gst_element_link(other_worker_, other_sink_));

    watch(clocksync_, "sink", long_way_);
    watch(red_, "sink", at_red_);
    watch(sink_, "sink", delivered_);
    watch(other_sink_, "sink", delivered_elsewhere_);

    upstream_ = make_test_source();
    GstPtr<GstPad> bin_sink(pad_of(bin_, "sink"));
    ASSERT_EQ(gst_pad_link(upstream_.get(), bin_sink.get()), GST_PAD_LINK_OK);
    add_shortcut(upstream_.get());
    gst_element_set_state(pipeline_, GST_STATE_PLAYING);
    send_stream_start(upstream_.get(), "application/x-rtp,media=video,clock-rate=90000,payload=96");
  }

  void TearDown() override {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_pad_set_active(upstream_.get(), FALSE);
    upstream_.reset();
    gst_object_unref(pipeline_);
  }

  static void watch(GstElement* element, const char* pad, std::atomic<int>& counter) {
    GstPtr<GstPad> p(pad_of(element, pad));
    gst_pad_add_probe(p.get(), GST_PAD_PROBE_TYPE_BUFFER, count, &counter, nullptr);
  }

  void push(int n) {
    for (int i = 0; i < n; ++i) {
      GstBuffer* buffer = gst_rtp_buffer_new_allocate(4, 0, 0);
      GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
      gst_rtp_buffer_map(buffer, GST_MAP_WRITE, &rtp);
      gst_rtp_buffer_set_payload_type(&rtp, 96);
      gst_rtp_buffer_set_seq(&rtp, static_cast<guint16>(seq_++));
      gst_rtp_buffer_unmap(&rtp);
      ASSERT_EQ(gst_pad_push(upstream_.get(), buffer), GST_FLOW_OK);
    }
  }

  GstElement* pipeline_ = nullptr;
  GstElement *bin_ = nullptr, *clocksync_ = nullptr, *fec_ = nullptr, *red_ = nullptr;
  GstElement *worker_ = nullptr, *sink_ = nullptr, *other_worker_ = nullptr, *other_sink_ = nullptr;
  GstPtr<GstPad> upstream_;
  int seq_ = 0;
  std::atomic<int> long_way_{0}, at_red_{0}, delivered_{0}, delivered_elsewhere_{0};
};

TEST_F(PadShortcutTest, BuffersSkipGhostPadsAndIdleElementsToTheFirstThatWorks) {
  push(5);
  EXPECT_EQ(delivered_, 5);
  EXPECT_EQ(long_way_, 0);
  EXPECT_EQ(at_red_, 0);
}

TEST_F(PadShortcutTest, BuffersTakeTheLongWayWhileASkippedPadIsBlocked) {
  std::atomic<int> blocked{0};
  GstPtr<GstPad> red_src(pad_of(red_, "src"));
  gulong block = gst_pad_add_probe(red_src.get(), GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM, let_through, &blocked, nullptr);
  push(3);
  EXPECT_EQ(blocked, 3);
  EXPECT_EQ(long_way_, 3);
  gst_pad_remove_probe(red_src.get(), block);
  push(3);
  EXPECT_EQ(long_way_, 3);
  EXPECT_EQ(delivered_, 6);
}

TEST_F(PadShortcutTest, AnElementGivenWorkIsNoLongerSkipped) {
  push(2);
  g_object_set(red_, "pt", 122, "allow-no-red-blocks", TRUE, nullptr);  // RED negotiated: it wraps packets now
  push(2);
  EXPECT_EQ(at_red_, 2);
  EXPECT_EQ(long_way_, 0);  // clocksync and the FEC encoder still pass buffers on unchanged
  // Without RED again, only the encoder can put the caps back as they were: it stays in the way.
  g_object_set(red_, "pt", 0, "allow-no-red-blocks", FALSE, nullptr);
  push(2);
  EXPECT_EQ(at_red_, 4);
  EXPECT_EQ(delivered_, 6);
}

TEST_F(PadShortcutTest, FecNegotiatedMeansTheEncoderIsNotSkipped) {
  g_object_set(fec_, "pt", 100u, nullptr);
  push(3);
  EXPECT_EQ(long_way_, 0);
  EXPECT_EQ(at_red_, 3);
  EXPECT_EQ(delivered_, 3);
}

TEST_F(PadShortcutTest, ARelinkedWayIsFollowed) {
  push(2);
  gst_element_unlink(bin_, worker_);
  ASSERT_TRUE(gst_element_link(bin_, other_worker_));
  push(4);
  EXPECT_EQ(delivered_, 2);
  EXPECT_EQ(delivered_elsewhere_, 4);
}

}  // namespace
}  // namespace assist::media
