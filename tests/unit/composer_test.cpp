// The composer on files GStreamer writes here: test pictures of known colours in WebM, one per
// side, the second starting later; the composed file is decoded back and its halves read.
#include "composer.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "gst_ptr.h"

namespace assist::media {
namespace {

namespace fs = std::filesystem;

// `seconds` of a solid colour (0xRRGGBB), with a sine tone unless `silent`, in WebM.
void write_clip(const std::string& path, unsigned colour, double seconds, bool with_audio = true) {
  const int frames = static_cast<int>(seconds * 30);
  std::string launch = "videotestsrc num-buffers=" + std::to_string(frames) +
                       " pattern=solid-color foreground-color=" + std::to_string(0xFF000000u | colour) +
                       " ! video/x-raw,width=320,height=240,framerate=30/1 ! vp8enc deadline=1 ! webmmux name=m "
                       "! filesink location=" + path;
  if (with_audio)
    launch += " audiotestsrc num-buffers=" + std::to_string(static_cast<int>(seconds * 50)) +
              " samplesperbuffer=960 ! audio/x-raw,rate=48000 ! opusenc ! m.";
  GError* raw = nullptr;
  GstPtr<GstElement> p(gst_parse_launch(launch.c_str(), &raw));
  ASSERT_TRUE(p) << (raw ? raw->message : "?");
  gst_object_ref_sink(p.get());
  gst_element_set_state(p.get(), GST_STATE_PLAYING);
  GstPtr<GstBus> bus(gst_element_get_bus(p.get()));
  GstMessage* m = gst_bus_timed_pop_filtered(bus.get(), 30 * GST_SECOND,
                                             GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  ASSERT_TRUE(m && GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) << "could not write " << path;
  gst_message_unref(m);
  gst_element_set_state(p.get(), GST_STATE_NULL);
}

struct Frame {
  int width = 0, height = 0;
  unsigned left = 0, right = 0;  // the RGB colour at the middle of each half
};

Frame frame_at(const std::string& path, double seconds) {
  Frame out;
  GstPtr<GstElement> p(gst_parse_launch(
      ("filesrc location=" + path +
       " ! matroskademux ! vp8dec ! videoconvert ! video/x-raw,format=RGBx ! appsink name=s sync=false")
          .c_str(),
      nullptr));
  if (!p) return out;
  gst_object_ref_sink(p.get());
  GstPtr<GstElement> sink(gst_bin_get_by_name(GST_BIN(p.get()), "s"));
  gst_element_set_state(p.get(), GST_STATE_PAUSED);
  gst_element_get_state(p.get(), nullptr, nullptr, 10 * GST_SECOND);
  gst_element_seek_simple(p.get(), GST_FORMAT_TIME, GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                          static_cast<gint64>(seconds * GST_SECOND));
  gst_element_set_state(p.get(), GST_STATE_PLAYING);
  if (GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 10 * GST_SECOND)) {
    const GstStructure* s = gst_caps_get_structure(gst_sample_get_caps(sample), 0);
    gst_structure_get_int(s, "width", &out.width);
    gst_structure_get_int(s, "height", &out.height);
    GstMapInfo map;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      const auto pixel = [&](int x, int y) {
        const guint8* at = map.data + (static_cast<std::size_t>(y) * out.width + x) * 4;
        return (unsigned(at[0]) << 16) | (unsigned(at[1]) << 8) | at[2];
      };
      out.left = pixel(out.width / 4, out.height / 2);
      out.right = pixel(3 * out.width / 4, out.height / 2);
      gst_buffer_unmap(buffer, &map);
    }
    gst_sample_unref(sample);
  }
  gst_element_set_state(p.get(), GST_STATE_NULL);
  return out;
}

// Near a colour, as VP8 and the conversions leave it.
bool near(unsigned got, unsigned want) {
  for (int shift : {16, 8, 0})
    if (std::abs(int((got >> shift) & 0xFF) - int((want >> shift) & 0xFF)) > 40) return false;
  return true;
}

class ComposerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gst_init(nullptr, nullptr);
    dir_ = fs::temp_directory_path() /
           ("composer-test-" + std::to_string(getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(ComposerTest, PutsEachSideInItsTileAtItsTimeAndReportsProgress) {
  write_clip(file("customer.webm"), 0xFF0000, 3);
  write_clip(file("staff.webm"), 0x0000FF, 1.5);
  std::int64_t last_done = -1, total = 0;
  compose({{file("customer.webm"), 0, 0}, {file("staff.webm"), 1, 1000}}, file("out.webm"), ComposeLayout{},
          [&](std::int64_t done, std::int64_t of) {
            EXPECT_GE(done, last_done);
            last_done = done;
            total = of;
          });
  EXPECT_NEAR(total, 3000, 100);
  EXPECT_EQ(last_done, total);

  const auto before = frame_at(file("out.webm"), 0.5);
  EXPECT_EQ(before.width, 1280);
  EXPECT_EQ(before.height, 480);
  EXPECT_TRUE(near(before.left, 0xFF0000)) << std::hex << before.left;
  EXPECT_TRUE(near(before.right, 0x000000)) << std::hex << before.right << ": staff's file starts at 1 s";
  const auto both = frame_at(file("out.webm"), 1.8);
  EXPECT_TRUE(near(both.left, 0xFF0000)) << std::hex << both.left;
  EXPECT_TRUE(near(both.right, 0x0000FF)) << std::hex << both.right;
  const auto after = frame_at(file("out.webm"), 2.8);
  EXPECT_TRUE(near(after.right, 0x000000)) << std::hex << after.right << ": staff's file ended at 2.5 s";
}

TEST_F(ComposerTest, AFileWithoutSoundDoesNotHoldItUp) {
  write_clip(file("silent.webm"), 0x00FF00, 1, false);
  write_clip(file("other.webm"), 0xFF0000, 1);
  compose({{file("silent.webm"), 0, 0}, {file("other.webm"), 1, 0}}, file("out.webm"), ComposeLayout{}, nullptr);
  const auto f = frame_at(file("out.webm"), 0.5);
  EXPECT_TRUE(near(f.left, 0x00FF00)) << std::hex << f.left;
  EXPECT_TRUE(near(f.right, 0xFF0000)) << std::hex << f.right;
}

TEST_F(ComposerTest, WhatCannotBeReadIsAnErrorNotAHang) {
  std::FILE* f = std::fopen(file("junk.webm").c_str(), "w");
  std::fputs("not a recording", f);
  std::fclose(f);
  EXPECT_THROW(compose({{file("junk.webm"), 0, 0}}, file("out.webm"), ComposeLayout{}, nullptr), std::runtime_error);
  EXPECT_THROW(compose({}, file("out.webm"), ComposeLayout{}, nullptr), std::runtime_error);
}

}  // namespace
}  // namespace assist::media
