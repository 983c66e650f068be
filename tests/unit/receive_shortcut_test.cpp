// The receive shortcut on a real queue without the network: the test's thread pushes into a
// queue → appsink, as nicesrc's thread pushes into webrtcbin's receive queue, and a blocking
// probe on the queue's output stands for webrtcbin holding the transport back. The second fixture
// puts the appsink behind a bin's ghost pad, as dtlssrtpdec's demuxer is.
#include "receive_shortcut.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "gst_ptr.h"
#include "test_stream.h"

namespace assist::media {
namespace {

struct Delivery {
  guint8 mark;
  GThread* thread;
};

class ReceiveShortcutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gst_init(nullptr, nullptr);
    pipeline_ = gst_pipeline_new(nullptr);
    queue_ = gst_element_factory_make("queue", nullptr);
    sink_ = gst_element_factory_make("appsink", nullptr);
    g_object_set(sink_, "sync", FALSE, "async", FALSE, nullptr);
    gst_bin_add(GST_BIN(pipeline_), queue_);
    if (behind_ghost_pad_) {  // as dtlssrtpdec's demuxer is, behind its bin's ghost pad
      GstElement* bin = gst_bin_new(nullptr);
      gst_bin_add(GST_BIN(bin), sink_);
      GstPtr<GstPad> inner(gst_element_get_static_pad(sink_, "sink"));
      ghost_ = gst_ghost_pad_new("sink", inner.get());
      gst_element_add_pad(bin, ghost_);
      gst_bin_add(GST_BIN(pipeline_), bin);
      gst_element_link(queue_, bin);
      gst_pad_add_probe(ghost_, GST_PAD_PROBE_TYPE_BUFFER, count_buffers, &ghost_buffers_, nullptr);
    } else {
      gst_bin_add(GST_BIN(pipeline_), sink_);
      gst_element_link(queue_, sink_);
    }
    shortcut_receive_queue(queue_);
    GstPtr<GstPad> sink_pad(gst_element_get_static_pad(sink_, "sink"));
    gst_pad_add_probe(sink_pad.get(), GST_PAD_PROBE_TYPE_BUFFER, on_delivery, this, nullptr);

    upstream_ = make_test_source();
    GstPtr<GstPad> queue_sink(gst_element_get_static_pad(queue_, "sink"));
    ASSERT_EQ(gst_pad_link(upstream_.get(), queue_sink.get()), GST_PAD_LINK_OK);
    gst_element_set_state(pipeline_, GST_STATE_PLAYING);
    send_stream_start(upstream_.get(), "application/x-rtp");
  }

  void TearDown() override {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_pad_set_active(upstream_.get(), FALSE);
    upstream_.reset();
    gst_object_unref(pipeline_);
  }

  static GstPadProbeReturn count_buffers(GstPad*, GstPadProbeInfo*, gpointer data) {
    ++*static_cast<std::atomic<int>*>(data);
    return GST_PAD_PROBE_OK;
  }

  static GstPadProbeReturn on_delivery(GstPad*, GstPadProbeInfo* info, gpointer data) {
    auto* self = static_cast<ReceiveShortcutTest*>(data);
    guint8 mark = 0;
    gst_buffer_extract(GST_PAD_PROBE_INFO_BUFFER(info), 0, &mark, 1);
    std::lock_guard lock(self->mutex_);
    self->deliveries_.push_back({mark, g_thread_self()});
    return GST_PAD_PROBE_OK;
  }

  GstFlowReturn push(guint8 mark) { return gst_pad_push(upstream_.get(), gst_buffer_new_memdup(&mark, 1)); }

  std::vector<Delivery> deliveries() {
    std::lock_guard lock(mutex_);
    return deliveries_;
  }

  // Waits until `count` packets reached the sink (those that took the queue arrive later).
  std::vector<Delivery> wait_for(std::size_t count) {
    for (int i = 0; i < 500 && deliveries().size() < count; ++i) g_usleep(10000);
    return deliveries();
  }

  // Packet `mark` (the marks before it delivered) is delivered before the push returns, by the
  // thread that pushed.
  void expect_delivered_at_once(guint8 mark) {
    ASSERT_EQ(push(mark), GST_FLOW_OK);
    auto seen = deliveries();
    ASSERT_EQ(seen.size(), mark);
    EXPECT_EQ(seen.back().mark, mark);
    EXPECT_EQ(seen.back().thread, g_thread_self());
  }

  // After packet 1 got through: packets 2..last are pushed while a blocking probe (as webrtcbin's)
  // holds `pad`, and none may arrive; once it is removed, all arrive in order. What arrived.
  std::vector<Delivery> held_back_while_blocked(GstPad* pad, guint8 last) {
    gulong block = gst_pad_add_probe(
        pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM),
        +[](GstPad*, GstPadProbeInfo*, gpointer) { return GST_PAD_PROBE_OK; }, nullptr, nullptr);
    for (guint8 mark = 2; mark <= last; ++mark) EXPECT_EQ(push(mark), GST_FLOW_OK);
    g_usleep(50000);
    EXPECT_EQ(deliveries().size(), 1u) << "a packet got past the block";
    gst_pad_remove_probe(pad, block);
    auto seen = wait_for(last);
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].mark, i + 1);
    return seen;
  }

  bool behind_ghost_pad_ = false;
  GstPad* ghost_ = nullptr;
  std::atomic<int> ghost_buffers_ = 0;
  GstElement* pipeline_ = nullptr;
  GstElement* queue_ = nullptr;
  GstElement* sink_ = nullptr;
  GstPtr<GstPad> upstream_;
  std::mutex mutex_;
  std::vector<Delivery> deliveries_;
};

TEST_F(ReceiveShortcutTest, AnOpenEmptyQueueIsSkippedInTheArrivingThread) {
  // The first packet may wait for the stream's events to get through the queue.
  ASSERT_EQ(push(1), GST_FLOW_OK);
  ASSERT_EQ(wait_for(1).size(), 1u);
  for (guint8 mark = 2; mark <= 5; ++mark) expect_delivered_at_once(mark);
}

TEST_F(ReceiveShortcutTest, ABlockedQueueHoldsPacketsAndReleasesThemInOrder) {
  ASSERT_EQ(push(1), GST_FLOW_OK);
  ASSERT_EQ(wait_for(1).size(), 1u);
  GstPtr<GstPad> queue_src(gst_element_get_static_pad(queue_, "src"));
  auto seen = held_back_while_blocked(queue_src.get(), 4);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_NE(seen[3].thread, g_thread_self()) << "held packets come out of the queue's own thread";

  expect_delivered_at_once(5);  // drained: the shortcut again
}

class ReceiveShortcutPastGhostPadTest : public ReceiveShortcutTest {
 protected:
  ReceiveShortcutPastGhostPadTest() { behind_ghost_pad_ = true; }
};

TEST_F(ReceiveShortcutPastGhostPadTest, PacketsGoStraightToThePadBehindTheGhostPad) {
  ASSERT_EQ(push(1), GST_FLOW_OK);
  ASSERT_EQ(wait_for(1).size(), 1u);
  const int before = ghost_buffers_;
  for (guint8 mark = 2; mark <= 5; ++mark) expect_delivered_at_once(mark);
  EXPECT_EQ(ghost_buffers_, before) << "packets crossed the ghost pad";
}

TEST_F(ReceiveShortcutPastGhostPadTest, ABlockedGhostPadHoldsPacketsBack) {
  ASSERT_EQ(push(1), GST_FLOW_OK);
  ASSERT_EQ(wait_for(1).size(), 1u);
  GstPtr<GstPad> inside(GST_PAD(gst_proxy_pad_get_internal(GST_PROXY_PAD(ghost_))));
  EXPECT_EQ(held_back_while_blocked(inside.get(), 3).size(), 3u);
}

TEST_F(ReceiveShortcutTest, OnlyWebrtcbinsReceiveQueueIsRecognised) {
  EXPECT_FALSE(is_receive_queue(GST_BIN(pipeline_), queue_));
  EXPECT_FALSE(is_receive_queue(GST_BIN(pipeline_), sink_));
}

}  // namespace
}  // namespace assist::media
