// The frame grabber on real GStreamer elements without the network: a live test source encoded to
// VP8 with a keyframe only every 10 s and payloaded to RTP into a tee, as a participant's
// webrtcbin feeds its camera's tee. The still it takes is decoded back with jpegdec.
#include "frame_grabber.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "gst_ptr.h"
#include "media_engine.h"
#include "on_media_thread.h"
#include "util/image_size.h"

namespace assist::media {
namespace {

using namespace std::chrono_literals;

// The picture jpegdec makes of `jpeg`: width, height and the bytes of its RGB pixels.
struct Decoded {
  int width = 0, height = 0;
  std::size_t rgb_bytes = 0;
};

Decoded decode_jpeg(const std::string& jpeg) {
  Decoded out;
  GstPtr<GstElement> pipeline(gst_parse_launch(
      "appsrc name=in caps=image/jpeg ! jpegdec ! videoconvert ! video/x-raw,format=RGB ! appsink name=out", nullptr));
  if (!pipeline) return out;
  gst_object_ref_sink(pipeline.get());
  GstPtr<GstElement> in(gst_bin_get_by_name(GST_BIN(pipeline.get()), "in"));
  GstPtr<GstElement> sink(gst_bin_get_by_name(GST_BIN(pipeline.get()), "out"));
  gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
  gst_app_src_push_buffer(GST_APP_SRC(in.get()), gst_buffer_new_memdup(jpeg.data(), jpeg.size()));
  gst_app_src_end_of_stream(GST_APP_SRC(in.get()));
  if (GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 5 * GST_SECOND)) {
    const GstStructure* s = gst_caps_get_structure(gst_sample_get_caps(sample), 0);
    gst_structure_get_int(s, "width", &out.width);
    gst_structure_get_int(s, "height", &out.height);
    out.rgb_bytes = gst_buffer_get_size(gst_sample_get_buffer(sample));
    gst_sample_unref(sample);
  }
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  return out;
}

class FrameGrabberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gst_init(nullptr, nullptr);
    GError* raw = nullptr;
    pipeline_.reset(gst_parse_launch(
        "videotestsrc is-live=true ! video/x-raw,width=352,height=288,framerate=30/1 "
        "! vp8enc deadline=1 keyframe-max-dist=300 ! rtpvp8pay ! tee name=video allow-not-linked=true "
        "video. ! queue ! fakesink name=forwarded sync=false signal-handoffs=true",
        &raw));
    ASSERT_TRUE(pipeline_) << (raw ? raw->message : "?");
    gst_object_ref_sink(pipeline_.get());
    GstPtr<GstElement> forwarded(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "forwarded"));
    g_signal_connect(forwarded.get(), "handoff", G_CALLBACK(+[](GstElement*, GstBuffer*, GstPad*, gpointer data) {
                       ++*static_cast<std::atomic<int>*>(data);
                     }),
                     &forwarded_);
    gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING);
    std::this_thread::sleep_for(1500ms);  // past the first keyframe: the grabber must ask for its own
  }

  void TearDown() override {
    on_media([this] { grabber_.reset(); });
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  }

  template <class F>
  void on_media(F task) {
    on_media_thread(engine_, task);
  }

  void start(const std::string& encoding = "VP8") {
    on_media([&] {
      GstPtr<GstElement> tee(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "video"));
      grabber_ = FrameGrabber::start(engine_, pipeline_.get(), tee.get(), encoding, [this](const StillResult& r) {
        ++results_;
        result_.set_value(r);
      });
    });
  }

  StillResult wait_result() {
    auto future = result_.get_future();
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no still came";
      return {};
    }
    return future.get();
  }

  int tee_branches() {
    GstPtr<GstElement> tee(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "video"));
    return static_cast<int>(tee->numsrcpads);
  }

  Engine engine_{[](std::function<void()> task) { task(); }, IceSettings{}};
  GstPtr<GstElement> pipeline_;
  std::shared_ptr<FrameGrabber> grabber_;
  std::promise<StillResult> result_;
  std::atomic<int> results_{0};
  std::atomic<int> forwarded_{0};
};

TEST_F(FrameGrabberTest, DecodesAKeyframeItAskedForIntoAJpegOfTheVideosSize) {
  start();
  const auto still = wait_result();
  ASSERT_EQ(still.error, "");
  EXPECT_EQ(still.width, 352);
  EXPECT_EQ(still.height, 288);
  const auto size = image_size(still.jpeg);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 352);
  EXPECT_EQ(size->height, 288);
  const auto decoded = decode_jpeg(still.jpeg);
  EXPECT_EQ(decoded.width, 352);
  EXPECT_EQ(decoded.height, 288);
  EXPECT_EQ(decoded.rgb_bytes, 352u * 288u * 3u);
}

TEST_F(FrameGrabberTest, LeavesTheCallAsItWasAndGoesOnForwarding) {
  ASSERT_EQ(tee_branches(), 1);
  start();
  wait_result();
  std::this_thread::sleep_for(200ms);  // the grabber detaches on the media thread
  EXPECT_EQ(tee_branches(), 1) << "the grabber's branch is gone";
  const int before = forwarded_;
  std::this_thread::sleep_for(300ms);
  EXPECT_GT(forwarded_.load(), before) << "the call's own branch still flows";
  EXPECT_EQ(results_.load(), 1);
}

TEST_F(FrameGrabberTest, EndedEarlyItAnswersOnceWithTheReason) {
  start();
  on_media([this] {
    grabber_->fail("the call closed");
    grabber_->fail("again");
  });
  const auto still = wait_result();
  EXPECT_EQ(still.error, "the call closed");
  EXPECT_TRUE(still.jpeg.empty());
  EXPECT_EQ(results_.load(), 1);
  EXPECT_EQ(tee_branches(), 1);
}

TEST_F(FrameGrabberTest, AnEncodingWithoutADecoderIsRefusedAtOnce) {
  EXPECT_THROW(start("AV1"), std::runtime_error);
  EXPECT_EQ(tee_branches(), 1);
}

}  // namespace
}  // namespace assist::media
