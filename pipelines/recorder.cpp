#include "recorder.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "branch_entry.h"
#include "forwarder.h"
#include "media_engine.h"

namespace assist::media {
namespace {

// How long a stopping recording may take to write what it had queued before it is closed anyway.
constexpr unsigned stop_grace_ms = 3000;
// How often the sender is asked for a keyframe while it is recorded.
constexpr unsigned keyframe_interval_ms = 3000;
// What a branch's queue holds at most while the muxer waits for the other stream; older media
// is dropped first.
constexpr guint64 queue_ns = 3 * GST_SECOND;

GstElement* make(const char* factory) {
  GstElement* e = gst_element_factory_make(factory, nullptr);
  if (!e) throw std::runtime_error(std::string("GStreamer element '") + factory + "' is missing");
  return e;
}

struct EosWatch {
  Engine* engine;
  std::weak_ptr<Recorder> recorder;
};

}  // namespace

// On the pad that feeds the muxer: the first and last media time, and nothing before the first
// keyframe (sound too: the file starts with both).
struct Recorder::StreamGate {
  Recorder* recorder;
  bool video;
  bool keyframe_seen = false;
};

const char* Recorder::extension(const std::string& video_encoding) {
  return video_encoding == "H264" ? ".mkv" : ".webm";
}

Recorder::Recorder(Engine& engine, GstElement* pipeline, std::string path, Finished finished)
    : engine_(engine), pipeline_(pipeline), path_(std::move(path)), finished_(std::move(finished)) {}

Recorder::~Recorder() {
  if (!done_) {
    detach();
    if (bin_) {
      gst_element_set_state(bin_.get(), GST_STATE_NULL);
      gst_bin_remove(GST_BIN(pipeline_), bin_.get());
    }
  }
}

std::shared_ptr<Recorder> Recorder::start(Engine& engine, GstElement* pipeline, GstElement* audio_tee,
                                          GstElement* video_tee, const std::string& video_encoding,
                                          const std::string& path, Finished finished) {
  if (!audio_tee && !video_tee) throw std::invalid_argument("a recording needs audio or video");
  std::shared_ptr<Recorder> self(new Recorder(engine, pipeline, path, std::move(finished)));
  const bool h264 = video_encoding == "H264";
  self->bin_.reset(GST_ELEMENT(gst_object_ref_sink(gst_bin_new(nullptr))));
  GstElement* mux = make(h264 ? "matroskamux" : "webmmux");
  g_object_set(mux, "offset-to-zero", TRUE, "writing-app", "assistd", nullptr);
  GstElement* sink = make("filesink");
  // Unbuffered: what the muxer wrote is the kernel's, and survives the process.
  g_object_set(sink, "location", path.c_str(), "buffer-mode", 2, "async", FALSE, "sync", FALSE, nullptr);
  gst_bin_add_many(GST_BIN(self->bin_.get()), mux, sink, nullptr);
  gst_element_link(mux, sink);
  // The end of the stream at the sink: the muxer has written the index, the file is whole.
  GstPtr<GstPad> file_pad(gst_element_get_static_pad(sink, "sink"));
  gst_pad_add_probe(
      file_pad.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      +[](GstPad*, GstPadProbeInfo* info, gpointer data) {
        if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS) {
          // Not locked here: the last owner letting go in a streaming thread would stop it from within.
          auto* watch = static_cast<EosWatch*>(data);
          watch->engine->invoke([weak = watch->recorder] {
            if (auto recorder = weak.lock()) recorder->close();
          });
        }
        return GST_PAD_PROBE_OK;
      },
      new EosWatch{&engine, self}, +[](gpointer data) { delete static_cast<EosWatch*>(data); });
  if (audio_tee) self->add_branch(audio_tee, "rtpopusdepay", nullptr, false, mux);
  if (video_tee) self->add_branch(video_tee, h264 ? "rtph264depay" : "rtpvp8depay", h264 ? "h264parse" : nullptr,
                                  true, mux);
  gst_bin_add(GST_BIN(pipeline), self->bin_.get());
  if (!gst_element_sync_state_with_parent(self->bin_.get())) {
    gst_element_set_state(self->bin_.get(), GST_STATE_NULL);
    gst_bin_remove(GST_BIN(pipeline), self->bin_.get());
    self->done_ = true;
    throw std::runtime_error("cannot write " + path);
  }
  for (auto& b : self->branches_) {
    b.tee_pad.reset(gst_element_request_pad_simple(b.tee.get(), "src_%u"));
    if (gst_pad_link(b.tee_pad.get(), b.entry.get()) != GST_PAD_LINK_OK) {
      self->fail("cannot link the recording to the call");
      throw std::runtime_error("cannot link the recording of " + path + " to the call");
    }
  }
  self->ask_keyframes();
  return self;
}

void Recorder::add_branch(GstElement* tee, const char* depayloader, const char* parser, bool video, GstElement* mux) {
  // Depayloaded in the sender's thread and then queued: the hand-off between threads is paid
  // per frame, not per packet.
  GstElement* depay = make(depayloader);
  if (video && g_object_class_find_property(G_OBJECT_GET_CLASS(depay), "request-keyframe"))
    g_object_set(depay, "request-keyframe", TRUE, nullptr);
  gst_bin_add(GST_BIN(bin_.get()), depay);
  GstElement* last = depay;
  if (parser) {
    GstElement* parse = make(parser);
    gst_bin_add(GST_BIN(bin_.get()), parse);
    gst_element_link(depay, parse);
    last = parse;
  }
  GstPtr<GstPad> frames(gst_element_get_static_pad(last, "src"));
  gst_pad_add_probe(frames.get(), GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                    on_stream_data, new StreamGate{this, video},
                    +[](gpointer data) { delete static_cast<StreamGate*>(data); });
  GstElement* queue = make("queue");
  g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time", queue_ns, "leaky", 2, nullptr);
  gst_bin_add(GST_BIN(bin_.get()), queue);
  gst_element_link(last, queue);
  GstPtr<GstPad> out(gst_element_get_static_pad(queue, "src"));
  GstPtr<GstPad> in(gst_element_request_pad_simple(mux, video ? "video_%u" : "audio_%u"));
  gst_pad_link(out.get(), in.get());
  GstPtr<GstPad> depay_sink(gst_element_get_static_pad(depay, "sink"));
  GstPad* entry = add_branch_entry(bin_.get(), depay_sink.get(), video ? "video" : "audio");
  branches_.push_back({ref(tee), nullptr, GstPtr<GstPad>(GST_PAD(gst_object_ref(entry)))});
  if (video) video_entry_.reset(GST_PAD(gst_object_ref(entry)));
}

void Recorder::note_time(GstBuffer* buffer) {
  if (!GST_BUFFER_PTS_IS_VALID(buffer)) return;
  const auto start = static_cast<std::int64_t>(GST_BUFFER_PTS(buffer));
  const auto end = start + (GST_BUFFER_DURATION_IS_VALID(buffer) ? static_cast<std::int64_t>(GST_BUFFER_DURATION(buffer)) : 0);
  std::lock_guard lock(time_mutex_);
  if (first_ns_ < 0 || start < first_ns_) first_ns_ = start;
  if (end > last_ns_) last_ns_ = end;
}

GstPadProbeReturn Recorder::on_stream_data(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* gate = static_cast<StreamGate*>(data);
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    // Browsers do not say their capture rate (sprop-maxcapturerate), so the depayloader's caps
    // have none, and the muxer needs one: Opus over RTP is 48 kHz.
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    if (gate->video || GST_EVENT_TYPE(event) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
    GstCaps* caps = nullptr;
    gst_event_parse_caps(event, &caps);
    if (gst_structure_has_field(gst_caps_get_structure(caps, 0), "rate")) return GST_PAD_PROBE_OK;
    GstPtr<GstCaps> rated(gst_caps_copy(caps));
    gst_caps_set_simple(rated.get(), "rate", G_TYPE_INT, 48000, nullptr);
    gst_event_unref(event);
    GST_PAD_PROBE_INFO_DATA(info) = gst_event_new_caps(rated.get());
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  Recorder& r = *gate->recorder;
  if (gate->video && !gate->keyframe_seen) {
    if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) return GST_PAD_PROBE_DROP;
    gate->keyframe_seen = true;
    r.picture_started_ = true;
  }
  if (!gate->video && r.video_entry_ && !r.picture_started_) return GST_PAD_PROBE_DROP;
  r.note_time(buffer);
  return GST_PAD_PROBE_OK;
}

void Recorder::ask_keyframes() {
  if (done_ || stopping_ || !video_entry_) return;
  request_keyframe(video_entry_.get());
  engine_.after(keyframe_interval_ms, [weak = weak_from_this()] {
    if (auto r = weak.lock()) r->ask_keyframes();
  });
}

std::string Recorder::digest(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return "";
  GChecksum* checksum = g_checksum_new(G_CHECKSUM_SHA256);
  std::vector<guchar> chunk(1 << 16);
  for (std::size_t n; (n = std::fread(chunk.data(), 1, chunk.size(), file)) > 0;)
    g_checksum_update(checksum, chunk.data(), static_cast<gssize>(n));
  const bool ok = !std::ferror(file);
  std::fclose(file);
  std::string hex = ok ? g_checksum_get_string(checksum) : "";
  g_checksum_free(checksum);
  return hex;
}

void Recorder::detach() {
  for (auto& b : branches_) {
    if (!b.tee_pad) continue;
    gst_pad_unlink(b.tee_pad.get(), b.entry.get());
    gst_element_release_request_pad(b.tee.get(), b.tee_pad.get());
    b.tee_pad.reset();
  }
}

void Recorder::stop() {
  if (stopping_ || done_) return;
  stopping_ = true;
  detach();
  for (auto& b : branches_) gst_pad_send_event(b.entry.get(), gst_event_new_eos());
  engine_.after(stop_grace_ms, [weak = weak_from_this()] {
    if (auto r = weak.lock()) r->close();
  });
}

void Recorder::close() { finish({true, "", 0, "", 0}); }

void Recorder::fail(const std::string& error) { finish({false, error, 0, "", 0}); }

bool Recorder::owns(GstObject* object) const {
  return bin_ && (object == GST_OBJECT(bin_.get()) || gst_object_has_as_ancestor(object, GST_OBJECT(bin_.get())));
}

void Recorder::finish(RecordingResult result) {
  if (done_) return;
  done_ = true;
  detach();
  gst_element_set_state(bin_.get(), GST_STATE_NULL);  // the streaming threads have stopped after this
  gst_bin_remove(GST_BIN(pipeline_), bin_.get());
  GStatBuf st;
  if (g_stat(path_.c_str(), &st) == 0) result.bytes = static_cast<std::uint64_t>(st.st_size);
  {
    std::lock_guard lock(time_mutex_);
    if (first_ns_ >= 0 && last_ns_ > first_ns_) result.duration_ms = (last_ns_ - first_ns_) / 1000000;
  }
  if (finished_) finished_(result);
}

}  // namespace assist::media
