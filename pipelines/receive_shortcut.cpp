#include "receive_shortcut.h"

#include <cstring>

#include "element_kind.h"
#include "gst_ptr.h"
#include "pad_shortcut.h"

namespace assist::media {
namespace {

struct Shortcut {
  explicit Shortcut(GstPad* src) : queue_src(GST_PAD(gst_object_ref(src))), way(src) {}

  GstPtr<GstPad> queue_src;
  Bypass way;             // from the queue's output to what does work after it (dtlssrtpdemux)
  bool queued = false;    // packets may still be in the queue; touched only by the pushing thread

  // Empty and open: what the queue would do with the packet, it can do now. The way has it wait
  // for the stream's first events, or a packet would arrive ahead of its segment.
  GstPad* target() {
    if (gst_pad_is_blocked(queue_src.get())) return nullptr;
    GstPad* exit = way.exit();
    if (!exit) return nullptr;
    if (queued) {
      guint level = 0;
      g_object_get(GST_PAD_PARENT(queue_src.get()), "current-level-buffers", &level, nullptr);
      if (level > 0) return nullptr;
      queued = false;
    }
    return exit;
  }
};

GstPadProbeReturn on_buffer(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* shortcut = static_cast<Shortcut*>(data);
  GstPad* target = shortcut->target();
  if (!target) {
    shortcut->queued = true;
    return GST_PAD_PROBE_OK;
  }
  GST_PAD_PROBE_INFO_FLOW_RETURN(info) = gst_pad_chain(target, GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = nullptr;
  return GST_PAD_PROBE_HANDLED;
}

}  // namespace

bool is_receive_queue(GstBin* parent, GstElement* element) {
  return factory_is(element, "queue") && std::strcmp(G_OBJECT_TYPE_NAME(parent), "TransportReceiveBin") == 0;
}

void shortcut_receive_queue(GstElement* queue) {
  GstPtr<GstPad> sink(gst_element_get_static_pad(queue, "sink"));
  GstPtr<GstPad> src(gst_element_get_static_pad(queue, "src"));
  auto* shortcut = new Shortcut(src.get());
  gst_pad_add_probe(sink.get(), GST_PAD_PROBE_TYPE_BUFFER, on_buffer, shortcut,
                    +[](gpointer data) { delete static_cast<Shortcut*>(data); });
}

}  // namespace assist::media
