// The recorder on real GStreamer elements without the network: live test sources encoded to VP8
// and Opus, payloaded to RTP and fed into tees, as a participant's webrtcbin feeds its sources.
// The files it writes are read back with GStreamer's own discoverer and demuxer.
#include "recorder.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <sstream>
#include <thread>

#include "gst_ptr.h"
#include "media_engine.h"
#include "on_media_thread.h"

namespace assist::media {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Discovered {
  bool video = false, audio = false;
  std::string video_caps, audio_caps;
  double seconds = 0;
};

Discovered discover(const std::string& path) {
  Discovered out;
  GError* raw = nullptr;
  GstDiscoverer* discoverer = gst_discoverer_new(10 * GST_SECOND, &raw);
  if (!discoverer) {
    GstPtr<GError> error(raw);
    ADD_FAILURE() << "no discoverer: " << error->message;
    return out;
  }
  GstPtr<gchar> uri(gst_filename_to_uri(path.c_str(), nullptr));
  GstDiscovererInfo* info = gst_discoverer_discover_uri(discoverer, uri.get(), &raw);
  if (raw) g_error_free(raw);
  if (info && gst_discoverer_info_get_result(info) == GST_DISCOVERER_OK) {
    out.seconds = static_cast<double>(gst_discoverer_info_get_duration(info)) / GST_SECOND;
    GList* streams = gst_discoverer_info_get_stream_list(info);
    for (GList* s = streams; s; s = s->next) {
      auto* stream = GST_DISCOVERER_STREAM_INFO(s->data);
      GstPtr<GstCaps> caps(gst_discoverer_stream_info_get_caps(stream));
      GstPtr<gchar> text(gst_caps_to_string(caps.get()));
      if (GST_IS_DISCOVERER_VIDEO_INFO(stream)) out.video = true, out.video_caps = text.get();
      if (GST_IS_DISCOVERER_AUDIO_INFO(stream)) out.audio = true, out.audio_caps = text.get();
    }
    gst_discoverer_stream_info_list_free(streams);
  }
  if (info) g_object_unref(info);
  g_object_unref(discoverer);
  return out;
}

// The video frames a player would read from the file, demuxed (not decoded).
struct VideoFrames {
  int count = 0;
  bool first_is_keyframe = false;
  double last_seconds = 0;
};

VideoFrames read_video(const std::string& path) {
  VideoFrames out;
  GError* raw = nullptr;
  GstPtr<GstElement> reader(gst_parse_launch(
      ("filesrc location=" + path + " ! matroskademux ! video/x-vp8 ! appsink name=out sync=false").c_str(), &raw));
  if (raw) g_error_free(raw);
  if (!reader) return out;
  gst_object_ref_sink(reader.get());
  GstPtr<GstElement> sink(gst_bin_get_by_name(GST_BIN(reader.get()), "out"));
  gst_element_set_state(reader.get(), GST_STATE_PLAYING);
  while (GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 5 * GST_SECOND)) {
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (out.count++ == 0) out.first_is_keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
    out.last_seconds = static_cast<double>(GST_BUFFER_PTS(buffer)) / GST_SECOND;
    gst_sample_unref(sample);
  }
  gst_element_set_state(reader.get(), GST_STATE_NULL);
  return out;
}

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  GstPtr<gchar> hex(g_compute_checksum_for_data(G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(bytes.data()),
                                                bytes.size()));
  return hex.get();
}

class RecorderTest : public ::testing::Test {
 public:  // the bus handler of the write-error test reaches in
  void SetUp() override {
    gst_init(nullptr, nullptr);
    dir_ = fs::temp_directory_path() / ("recorder-test-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    // A keyframe only every 10 s: a recording shorter than that has one only if it asked.
    GError* raw = nullptr;
    pipeline_.reset(gst_parse_launch(
        "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 "
        "! vp8enc deadline=1 keyframe-max-dist=300 ! rtpvp8pay ! tee name=video allow-not-linked=true "
        "video. ! queue ! fakesink name=forwarded sync=false "
        "audiotestsrc is-live=true wave=ticks ! opusenc ! rtpopuspay ! tee name=audio allow-not-linked=true",
        &raw));
    ASSERT_TRUE(pipeline_) << (raw ? raw->message : "?");
    gst_object_ref_sink(pipeline_.get());
    GstPtr<GstElement> forwarded(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "forwarded"));
    g_object_set(forwarded.get(), "signal-handoffs", TRUE, nullptr);
    g_signal_connect(forwarded.get(), "handoff", G_CALLBACK(+[](GstElement*, GstBuffer*, GstPad*, gpointer data) {
                       ++*static_cast<std::atomic<int>*>(data);
                     }),
                     &forwarded_);
    gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING);
    std::this_thread::sleep_for(1500ms);  // past the first keyframe: the recording must ask for its own
  }

  void TearDown() override {
    on_media([this] { recorder_.reset(); });
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    fs::remove_all(dir_);
  }

  template <class F>
  void on_media(F task) {
    on_media_thread(engine_, task);
  }

  GstElement* tee(const char* name) {
    GstPtr<GstElement> e(gst_bin_get_by_name(GST_BIN(pipeline_.get()), name));
    return e.get();  // the pipeline keeps its own reference
  }

  void start(const std::string& path) {
    on_media([&] {
      recorder_ = Recorder::start(engine_, pipeline_.get(), tee("audio"), tee("video"), "VP8", path,
                                  [this](const RecordingResult& r) { result_.set_value(r); });
    });
  }

  RecordingResult wait_result() {
    auto future = result_.get_future();
    if (future.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "the recording never finished";
      return {};
    }
    return future.get();
  }

  Engine engine_{[](std::function<void()> task) { task(); }, IceSettings{}};
  fs::path dir_;
  GstPtr<GstElement> pipeline_;
  std::shared_ptr<Recorder> recorder_;
  std::promise<RecordingResult> result_;
  std::atomic<int> forwarded_{0};
  int call_errors_ = 0;       // errors from elements not the recording's (media thread)
  int recording_errors_ = 0;  // and from the recording's
};

TEST_F(RecorderTest, WritesVp8AndOpusIntoWebmThatStartsOnAKeyframe) {
  const auto path = (dir_ / "call.webm").string();
  start(path);
  std::this_thread::sleep_for(2500ms);
  on_media([this] { recorder_->stop(); });
  const auto result = wait_result();

  EXPECT_TRUE(result.complete) << result.error;
  const auto found = discover(path);
  EXPECT_TRUE(found.video) << "no video in the file";
  EXPECT_TRUE(found.audio) << "no audio in the file";
  EXPECT_NE(found.video_caps.find("video/x-vp8"), std::string::npos) << found.video_caps;
  EXPECT_NE(found.audio_caps.find("audio/x-opus"), std::string::npos) << found.audio_caps;
  EXPECT_NEAR(found.seconds, 2.5, 0.6);
  EXPECT_NEAR(result.duration_ms / 1000.0, found.seconds, 0.3);
  const auto video = read_video(path);
  EXPECT_TRUE(video.first_is_keyframe);
  EXPECT_GT(video.count, 50);  // 30 frames a second
  EXPECT_EQ(result.bytes, fs::file_size(path));
  EXPECT_EQ(Recorder::digest(path), file_sha256(path));
}

// What a crash leaves: the file as it is while being written plays up to that moment. (Copied
// while written, it may end inside a cluster's header, so the length a player estimates from its
// last cluster is not asserted here; test_recording's kill -9 reads it.)
TEST_F(RecorderTest, AFileCutWhileBeingWrittenPlaysUpToTheCut) {
  const auto path = (dir_ / "call.webm").string();
  const auto cut = (dir_ / "cut.webm").string();
  start(path);
  std::this_thread::sleep_for(7000ms);
  fs::copy_file(path, cut);
  const auto found = discover(cut);
  EXPECT_TRUE(found.video);
  EXPECT_TRUE(found.audio);
  const auto video = read_video(cut);
  EXPECT_TRUE(video.first_is_keyframe);
  EXPECT_NEAR(video.last_seconds, 7.0, 0.5);
}

TEST_F(RecorderTest, AFileThatCannotBeCreatedIsRefusedAtStart) {
  const auto path = (dir_ / "missing" / "call.webm").string();
  EXPECT_THROW(start(path), std::runtime_error);
}

// A full disk: the recording ends with an error; what the participant sends is still forwarded.
TEST_F(RecorderTest, AWriteErrorEndsTheRecordingAndNotTheCall) {
  GstPtr<GstBus> bus(gst_pipeline_get_bus(GST_PIPELINE(pipeline_.get())));
  gst_bus_set_sync_handler(
      bus.get(),
      +[](GstBus*, GstMessage* message, gpointer data) {
        auto* test = static_cast<RecorderTest*>(data);
        if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
          std::shared_ptr<GstObject> from(GST_OBJECT(gst_object_ref(GST_MESSAGE_SRC(message))), gst_object_unref);
          test->engine_.invoke([test, from] {
            if (test->recorder_ && test->recorder_->owns(from.get())) ++test->recording_errors_;
            else ++test->call_errors_;
          });
        }
        gst_message_unref(message);
        return GST_BUS_DROP;
      },
      this, nullptr);
  start("/dev/full");
  // Left linked for a while after it failed: what went wrong in it never reaches the sender.
  std::this_thread::sleep_for(500ms);
  const int before = forwarded_;
  std::this_thread::sleep_for(1500ms);
  EXPECT_GT(forwarded_ - before, 20) << "the other branch of the tee stopped";
  on_media([this] {
    EXPECT_GT(recording_errors_, 0) << "the full disk went unnoticed";
    EXPECT_EQ(call_errors_, 0) << "an error reached the call's own elements";
    recorder_->fail("write failed");  // as the room does when the bus names the recording
  });
  const auto result = wait_result();
  EXPECT_FALSE(result.complete);
  EXPECT_EQ(result.error, "write failed");
}

}  // namespace
}  // namespace assist::media
