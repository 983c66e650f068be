#include "composer.h"

#include <gst/gst.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "gst_ptr.h"

namespace assist::media {
namespace {

GstElement* add(GstBin* bin, const char* factory) {
  GstElement* e = gst_element_factory_make(factory, nullptr);
  if (!e) throw std::runtime_error(std::string("GStreamer element '") + factory + "' is missing");
  gst_bin_add(bin, e);
  return e;
}

void link(GstElement* a, GstElement* b) {
  if (!gst_element_link(a, b))
    throw std::runtime_error(std::string("cannot link ") + GST_ELEMENT_NAME(a) + " to " + GST_ELEMENT_NAME(b));
}

// One input's two branches, from the demuxer's pads (made as it finds its streams) to a mixer pad.
struct Input {
  GstPtr<GstPad> video, audio;  // the branches' first sink pads
  bool video_linked = false, audio_linked = false;
};

// Links a demuxer pad to the branch of its kind; a kind the file lacks is ended at once, or the
// mixers would wait for it for ever.
void on_pad_added(GstElement*, GstPad* pad, gpointer data) {
  auto* in = static_cast<Input*>(data);
  GstPtr<GstCaps> caps(gst_pad_query_caps(pad, nullptr));
  const char* kind = gst_structure_get_name(gst_caps_get_structure(caps.get(), 0));
  const bool video = g_str_has_prefix(kind, "video/"), audio = g_str_has_prefix(kind, "audio/");
  if (video && !in->video_linked) in->video_linked = gst_pad_link(pad, in->video.get()) == GST_PAD_LINK_OK;
  if (audio && !in->audio_linked) in->audio_linked = gst_pad_link(pad, in->audio.get()) == GST_PAD_LINK_OK;
}

void on_no_more_pads(GstElement*, gpointer data) {
  auto* in = static_cast<Input*>(data);
  if (!in->video_linked) gst_pad_send_event(in->video.get(), gst_event_new_eos());
  if (!in->audio_linked) gst_pad_send_event(in->audio.get(), gst_event_new_eos());
}

std::string error_text(GstMessage* message) {
  GError* raw = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &raw, &debug);
  GstPtr<GError> error(raw);
  std::string text = error ? error->message : "unknown error";
  g_free(debug);
  return std::string(GST_MESSAGE_SRC_NAME(message)) + ": " + text;
}

// How long a file plays, in milliseconds (0 when it does not say).
std::int64_t file_duration_ms(const std::string& path) {
  GstPtr<GstElement> probe(gst_parse_launch("filesrc name=f ! matroskademux ! fakesink", nullptr));
  if (!probe) return 0;
  gst_object_ref_sink(probe.get());
  GstPtr<GstElement> source(gst_bin_get_by_name(GST_BIN(probe.get()), "f"));
  g_object_set(source.get(), "location", path.c_str(), nullptr);
  gst_element_set_state(probe.get(), GST_STATE_PAUSED);
  gst_element_get_state(probe.get(), nullptr, nullptr, 10 * GST_SECOND);
  gint64 ns = 0;
  gst_element_query_duration(probe.get(), GST_FORMAT_TIME, &ns);
  gst_element_set_state(probe.get(), GST_STATE_NULL);
  return ns > 0 ? ns / GST_MSECOND : 0;
}

}  // namespace

void compose(const std::vector<ComposeInput>& inputs, const std::string& output, const ComposeLayout& layout,
             const std::function<void(std::int64_t done_ms, std::int64_t total_ms)>& progress) {
  if (inputs.empty()) throw std::runtime_error("there is nothing to compose");
  gst_init(nullptr, nullptr);
  GstPtr<GstElement> pipeline(GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new("compose"))));
  GstBin* bin = GST_BIN(pipeline.get());

  GstElement* compositor = add(bin, "compositor");
  g_object_set(compositor, "background", 1 /* black */, nullptr);
  GstElement* picture = add(bin, "capsfilter");
  GstPtr<GstCaps> picture_caps(gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, 2 * layout.tile_width,
                                                   "height", G_TYPE_INT, layout.tile_height, "framerate",
                                                   GST_TYPE_FRACTION, layout.fps, 1, "pixel-aspect-ratio",
                                                   GST_TYPE_FRACTION, 1, 1, nullptr));
  g_object_set(picture, "caps", picture_caps.get(), nullptr);
  GstElement* video_encoder = add(bin, "vp8enc");
  g_object_set(video_encoder, "threads", 1, "deadline", G_GINT64_CONSTANT(1), "cpu-used", 8, "target-bitrate",
               layout.video_kbps * 1000, "keyframe-max-dist", 5 * layout.fps, "end-usage", 1 /* cbr */, nullptr);
  GstElement* mixer = add(bin, "audiomixer");
  GstElement* sound = add(bin, "capsfilter");
  GstPtr<GstCaps> sound_caps(gst_caps_from_string("audio/x-raw,rate=48000,channels=2"));
  g_object_set(sound, "caps", sound_caps.get(), nullptr);
  GstElement* audio_encoder = add(bin, "opusenc");
  GstElement* mux = add(bin, "webmmux");
  GstElement* sink = add(bin, "filesink");
  g_object_set(sink, "location", output.c_str(), nullptr);
  link(compositor, picture);
  link(picture, video_encoder);
  link(video_encoder, mux);
  link(mixer, sound);
  link(sound, audio_encoder);
  link(audio_encoder, mux);
  link(mux, sink);

  std::int64_t total_ms = 0;
  std::vector<std::unique_ptr<Input>> wiring;
  for (const auto& in : inputs) {
    total_ms = std::max(total_ms, in.start_ms + file_duration_ms(in.path));
    auto input = std::make_unique<Input>();
    GstElement* source = add(bin, "filesrc");
    g_object_set(source, "location", in.path.c_str(), nullptr);
    GstElement* demux = add(bin, "matroskademux");
    link(source, demux);
    const auto offset = static_cast<gint64>(in.start_ms) * GST_MSECOND;

    GstElement* video_queue = add(bin, "queue");
    GstElement* video_decoder = add(bin, "decodebin");  // VP8 or H.264, whichever the file holds
    GstElement* convert = add(bin, "videoconvert");
    GstElement* scale = add(bin, "videoscale");
    g_object_set(scale, "add-borders", TRUE, nullptr);
    GstElement* tile = add(bin, "capsfilter");
    GstPtr<GstCaps> tile_caps(gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, layout.tile_width, "height",
                                                  G_TYPE_INT, layout.tile_height, "pixel-aspect-ratio",
                                                  GST_TYPE_FRACTION, 1, 1, nullptr));
    g_object_set(tile, "caps", tile_caps.get(), nullptr);
    link(video_queue, video_decoder);
    g_signal_connect(video_decoder, "pad-added", G_CALLBACK(+[](GstElement*, GstPad* pad, gpointer next) {
                       GstPtr<GstPad> sink(gst_element_get_static_pad(GST_ELEMENT(next), "sink"));
                       if (!gst_pad_is_linked(sink.get())) gst_pad_link(pad, sink.get());
                     }),
                     convert);
    link(convert, scale);
    link(scale, tile);
    GstPtr<GstPad> tile_out(gst_element_get_static_pad(tile, "src"));
    GstPtr<GstPad> video_in(gst_element_request_pad_simple(compositor, "sink_%u"));
    g_object_set(video_in.get(), "xpos", in.column * layout.tile_width, "ypos", 0, nullptr);
    gst_pad_set_offset(video_in.get(), offset);
    gst_pad_link(tile_out.get(), video_in.get());
    input->video.reset(gst_element_get_static_pad(video_queue, "sink"));

    GstElement* audio_queue = add(bin, "queue");
    GstElement* audio_decoder = add(bin, "opusdec");
    GstElement* audio_convert = add(bin, "audioconvert");
    GstElement* resample = add(bin, "audioresample");
    link(audio_queue, audio_decoder);
    link(audio_decoder, audio_convert);
    link(audio_convert, resample);
    GstPtr<GstPad> resample_out(gst_element_get_static_pad(resample, "src"));
    GstPtr<GstPad> audio_in(gst_element_request_pad_simple(mixer, "sink_%u"));
    gst_pad_set_offset(audio_in.get(), offset);
    gst_pad_link(resample_out.get(), audio_in.get());
    input->audio.reset(gst_element_get_static_pad(audio_queue, "sink"));

    g_signal_connect(demux, "pad-added", G_CALLBACK(on_pad_added), input.get());
    g_signal_connect(demux, "no-more-pads", G_CALLBACK(on_no_more_pads), input.get());
    wiring.push_back(std::move(input));
  }

  if (gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    throw std::runtime_error("cannot start composing (is " + output + " writable?)");
  }
  GstPtr<GstBus> bus(gst_element_get_bus(pipeline.get()));
  std::string failure;
  for (bool done = false; !done;) {
    GstMessage* message = gst_bus_timed_pop_filtered(bus.get(), 500 * GST_MSECOND,
                                                     GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    if (!message) {
      gint64 position = 0;
      if (progress && gst_element_query_position(pipeline.get(), GST_FORMAT_TIME, &position) && position > 0)
        progress(position / GST_MSECOND, total_ms);
      continue;
    }
    if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) failure = error_text(message);
    gst_message_unref(message);
    done = true;
  }
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  if (!failure.empty()) throw std::runtime_error(failure);
  if (progress) progress(total_ms, total_ms);
}

}  // namespace assist::media
