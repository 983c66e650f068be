#include "frame_grabber.h"

#include <gst/gst.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "branch_entry.h"
#include "forwarder.h"
#include "media_engine.h"

namespace assist::media {
namespace {

// How long to wait for a keyframe (and its picture) before giving up.
constexpr unsigned give_up_ms = 5000;

GstElement* make(const char* factory) {
  GstElement* e = gst_element_factory_make(factory, nullptr);
  if (!e) throw std::runtime_error(std::string("GStreamer element '") + factory + "' is missing");
  return e;
}

// The first decoder for `encoding` that this machine has.
GstElement* make_decoder(const std::string& encoding) {
  std::vector<const char*> candidates;
  if (encoding == "VP8") candidates = {"vp8dec"};
  if (encoding == "H264") candidates = {"avdec_h264", "openh264dec"};
  for (const char* name : candidates)
    if (GstElement* e = gst_element_factory_make(name, nullptr)) {
      if (g_object_class_find_property(G_OBJECT_GET_CLASS(e), "threads")) g_object_set(e, "threads", 1, nullptr);
      return e;
    }
  throw std::runtime_error("no decoder for " + (encoding.empty() ? std::string("this video") : encoding) +
                           " video is installed" + (encoding == "H264" ? " (gstreamer1.0-libav has one)" : ""));
}

}  // namespace

// Shared by the streaming threads' probes and the grabber; lives as long as the probes.
struct FrameGrabber::Capture {
  Engine* engine;
  std::weak_ptr<FrameGrabber> grabber;
  std::atomic<bool> keyframe_seen{false};
  std::atomic<bool> captured{false};
};

FrameGrabber::FrameGrabber(Engine& engine, GstElement* pipeline, Done done)
    : engine_(engine), pipeline_(pipeline), done_callback_(std::move(done)) {}

FrameGrabber::~FrameGrabber() {
  if (!done_) {
    done_callback_ = nullptr;
    finish({"the call closed", "", 0, 0});
  }
}

std::shared_ptr<FrameGrabber> FrameGrabber::start(Engine& engine, GstElement* pipeline, GstElement* video_tee,
                                                  const std::string& encoding, Done done) {
  std::shared_ptr<FrameGrabber> self(new FrameGrabber(engine, pipeline, std::move(done)));
  const bool h264 = encoding == "H264";
  GstElement* decoder = make_decoder(encoding);
  self->bin_.reset(GST_ELEMENT(gst_object_ref_sink(gst_bin_new(nullptr))));
  GstBin* bin = GST_BIN(self->bin_.get());
  gst_bin_add(bin, decoder);
  GstElement* depay = make(h264 ? "rtph264depay" : "rtpvp8depay");
  g_object_set(depay, "request-keyframe", TRUE, nullptr);
  GstElement* queue = make("queue");
  g_object_set(queue, "max-size-buffers", 30u, "max-size-bytes", 0u, "max-size-time", guint64(0), "leaky", 2, nullptr);
  GstElement* convert = make("videoconvert");
  GstElement* encode = make("jpegenc");
  GstElement* sink = make("fakesink");
  g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
  gst_bin_add_many(bin, depay, queue, convert, encode, sink, nullptr);
  GstElement* frames = depay;
  if (h264) {
    GstElement* parse = make("h264parse");
    gst_bin_add(bin, parse);
    gst_element_link(depay, parse);
    frames = parse;
  }
  if (!gst_element_link_many(frames, queue, decoder, convert, encode, sink, nullptr))
    throw std::runtime_error("cannot build the still's pipeline");

  auto* capture = new Capture{&engine, self};
  auto release = +[](gpointer data) { delete static_cast<Capture*>(data); };
  // Nothing before the first keyframe reaches the decoder, and nothing once the picture is taken.
  GstPtr<GstPad> frames_out(gst_element_get_static_pad(frames, "src"));
  gst_pad_add_probe(
      frames_out.get(), GST_PAD_PROBE_TYPE_BUFFER,
      +[](GstPad*, GstPadProbeInfo* info, gpointer data) {
        auto* c = static_cast<Capture*>(data);
        if (c->captured) return GST_PAD_PROBE_DROP;
        if (!c->keyframe_seen && GST_BUFFER_FLAG_IS_SET(GST_PAD_PROBE_INFO_BUFFER(info), GST_BUFFER_FLAG_DELTA_UNIT))
          return GST_PAD_PROBE_DROP;
        c->keyframe_seen = true;
        return GST_PAD_PROBE_OK;
      },
      capture, nullptr);
  // The first JPEG is the still.
  GstPtr<GstPad> jpeg_out(gst_element_get_static_pad(encode, "src"));
  gst_pad_add_probe(
      jpeg_out.get(), GST_PAD_PROBE_TYPE_BUFFER,
      +[](GstPad* pad, GstPadProbeInfo* info, gpointer data) {
        auto* c = static_cast<Capture*>(data);
        if (c->captured.exchange(true)) return GST_PAD_PROBE_DROP;
        StillResult still;
        GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
        GstMapInfo map;
        if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
          still.jpeg.assign(reinterpret_cast<const char*>(map.data), map.size);
          gst_buffer_unmap(buffer, &map);
        }
        if (GstPtr<GstCaps> caps{gst_pad_get_current_caps(pad)}) {
          const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
          gst_structure_get_int(s, "width", &still.width);
          gst_structure_get_int(s, "height", &still.height);
        }
        if (still.jpeg.empty()) still.error = "the picture could not be read";
        c->engine->invoke([weak = c->grabber, still] {
          if (auto g = weak.lock()) g->finish(still);
        });
        return GST_PAD_PROBE_DROP;
      },
      capture, release);

  GstPtr<GstPad> depay_sink(gst_element_get_static_pad(depay, "sink"));
  self->entry_.reset(GST_PAD(gst_object_ref(add_branch_entry(self->bin_.get(), depay_sink.get(), "video"))));
  gst_bin_add(GST_BIN(pipeline), self->bin_.get());
  self->tee_.reset(GST_ELEMENT(gst_object_ref(video_tee)));
  if (!gst_element_sync_state_with_parent(self->bin_.get())) {
    self->done_callback_ = nullptr;
    self->finish({});
    throw std::runtime_error("cannot start the still's pipeline");
  }
  self->tee_pad_.reset(gst_element_request_pad_simple(video_tee, "src_%u"));
  if (gst_pad_link(self->tee_pad_.get(), self->entry_.get()) != GST_PAD_LINK_OK) {
    self->done_callback_ = nullptr;
    self->finish({});
    throw std::runtime_error("cannot link the still's pipeline to the call");
  }
  request_keyframe(self->entry_.get());
  engine.after(give_up_ms, [weak = std::weak_ptr<FrameGrabber>(self)] {
    if (auto g = weak.lock()) g->fail("no picture arrived from the camera");
  });
  return self;
}

void FrameGrabber::fail(const std::string& error) { finish({error, "", 0, 0}); }

bool FrameGrabber::owns(GstObject* object) const {
  return bin_ && (object == GST_OBJECT(bin_.get()) || gst_object_has_as_ancestor(object, GST_OBJECT(bin_.get())));
}

void FrameGrabber::finish(const StillResult& result) {
  if (done_) return;
  done_ = true;
  if (tee_pad_) {
    gst_pad_unlink(tee_pad_.get(), entry_.get());
    gst_element_release_request_pad(tee_.get(), tee_pad_.get());
    tee_pad_.reset();
  }
  if (bin_) {
    gst_element_set_state(bin_.get(), GST_STATE_NULL);
    if (GST_OBJECT_PARENT(bin_.get())) gst_bin_remove(GST_BIN(pipeline_), bin_.get());
  }
  if (done_callback_) done_callback_(result);
}

}  // namespace assist::media
