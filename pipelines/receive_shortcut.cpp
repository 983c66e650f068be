#include "receive_shortcut.h"

#include <cstring>
#include <mutex>

#include "gst_ptr.h"

namespace assist::media {
namespace {

struct Shortcut {
  GstPtr<GstPad> queue_src;
  std::once_flag found;
  GstPtr<GstPad> target;  // what the queue feeds (dtlssrtpdec's sink pad), once linked
  // Touched only by the thread that pushes into the queue.
  bool queued = false;   // packets may still be in the queue
  bool started = false;  // the queue has passed on the stream's first events

  GstPad* resolve() {
    std::call_once(found, [this] { target.reset(gst_pad_get_peer(queue_src.get())); });
    return target.get();
  }

  // Empty and open: what the queue would do with the packet, it can do now. Not before the
  // stream's first events are through, or a packet would arrive ahead of its segment.
  bool may_skip() {
    if (gst_pad_is_blocked(queue_src.get())) return false;
    if (!started) {
      GstEvent* segment = gst_pad_get_sticky_event(target.get(), GST_EVENT_SEGMENT, 0);
      if (!segment) return false;
      gst_event_unref(segment);
      started = true;
    }
    if (queued) {
      guint level = 0;
      g_object_get(GST_PAD_PARENT(queue_src.get()), "current-level-buffers", &level, nullptr);
      if (level > 0) return false;
      queued = false;
    }
    return true;
  }
};

GstPadProbeReturn on_buffer(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* shortcut = static_cast<Shortcut*>(data);
  GstPad* target = shortcut->resolve();
  if (!target || !shortcut->may_skip()) {
    shortcut->queued = true;
    return GST_PAD_PROBE_OK;
  }
  GST_PAD_PROBE_INFO_FLOW_RETURN(info) = gst_pad_chain(target, GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = nullptr;
  return GST_PAD_PROBE_HANDLED;
}

}  // namespace

bool is_receive_queue(GstBin* parent, GstElement* element) {
  GstElementFactory* factory = gst_element_get_factory(element);
  return factory && std::strcmp(GST_OBJECT_NAME(factory), "queue") == 0 &&
         std::strcmp(G_OBJECT_TYPE_NAME(parent), "TransportReceiveBin") == 0;
}

void shortcut_receive_queue(GstElement* queue) {
  GstPtr<GstPad> sink(gst_element_get_static_pad(queue, "sink"));
  auto* shortcut = new Shortcut;
  shortcut->queue_src.reset(gst_element_get_static_pad(queue, "src"));
  gst_pad_add_probe(sink.get(), GST_PAD_PROBE_TYPE_BUFFER, on_buffer, shortcut,
                    +[](gpointer data) { delete static_cast<Shortcut*>(data); });
}

}  // namespace assist::media
