#include "pad_shortcut.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "element_kind.h"
#include "gst_ptr.h"

namespace assist::media {
namespace {

constexpr guint32 long_way_flags = GST_PAD_FLAG_FLUSHING | GST_PAD_FLAG_EOS | GST_PAD_FLAG_BLOCKED;
constexpr std::size_t max_links = 32;
constexpr guint no_fec_payload = 255;  // rtpulpfecenc's "pt" until FEC is negotiated

// The elements a shortcut may skip, whatever their settings.
bool may_pass_buffers_unchanged(GstElement* element) {
  if (factory_is(element, "funnel")) {
    GstObject* parent = GST_OBJECT_PARENT(element);
    return parent && std::strcmp(G_OBJECT_TYPE_NAME(parent), "GstDtlsSrtpEnc") == 0;
  }
  for (const char* name : {"capsfilter", "clocksync", "rtpulpfecenc", "rtpredenc", "rtpstorage", "rtpreddec",
                           "rtpulpfecdec", "rtprtxsend", "rtprtxreceive"})
    if (factory_is(element, name)) return true;
  return false;
}

// With the settings they have now.
bool passes_buffers_unchanged(GstElement* element) {
  if (factory_is(element, "clocksync")) {
    gboolean sync = TRUE;
    g_object_get(element, "sync", &sync, nullptr);
    return !sync;
  }
  if (factory_is(element, "rtpulpfecenc")) {
    guint pt = 0;
    g_object_get(element, "pt", &pt, nullptr);
    return pt == no_fec_payload;
  }
  if (factory_is(element, "rtpredenc")) {
    guint distance = 1;
    gboolean allow_no_red_blocks = TRUE;
    g_object_get(element, "distance", &distance, "allow-no-red-blocks", &allow_no_red_blocks, nullptr);
    return distance == 0 && !allow_no_red_blocks;
  }
  if (factory_is(element, "rtpstorage")) {
    guint64 size_time = 1;
    g_object_get(element, "size-time", &size_time, nullptr);
    return size_time == 0;
  }
  if (factory_is(element, "rtpreddec")) {
    gint pt = 0;
    GValue payloads = G_VALUE_INIT;
    g_value_init(&payloads, GST_TYPE_ARRAY);
    g_object_get_property(G_OBJECT(element), "payloads", &payloads);
    g_object_get(element, "pt", &pt, nullptr);
    const bool none = pt == -1 && gst_value_array_get_size(&payloads) == 0;
    g_value_unset(&payloads);
    return none;
  }
  if (factory_is(element, "rtprtxsend") || factory_is(element, "rtprtxreceive")) {
    GstStructure* map = nullptr;
    g_object_get(element, "payload-type-map", &map, nullptr);
    const bool none = !map || gst_structure_n_fields(map) == 0;
    if (map) gst_structure_free(map);
    return none;
  }
  if (factory_is(element, "rtpulpfecdec")) {
    gboolean passthrough = FALSE;
    g_object_get(element, "passthrough", &passthrough, nullptr);
    return passthrough;
  }
  return true;
}

// An element found doing work is never skipped again: it may have told the elements after it
// about its work (RED, for one, changes the caps), and only it can tell them it stopped.
constexpr const char* worked_key = "assist-shortcut-worked";

// Where a buffer arriving on `sink` leaves again unchanged, or null if `sink` does work. A ghost
// pad and the inner pad of one pass buffers to their "internal" pad, unless given their own chain
// function. `watched` is set to an element whose settings decide.
GstPtr<GstPad> passed_on_from(GstPad* sink, GstPtr<GstElement>& watched) {
  if (GST_IS_PROXY_PAD(sink)) {
    if (GST_PAD_CHAINFUNC(sink) != gst_proxy_pad_chain_default ||
        GST_PAD_CHAINLISTFUNC(sink) != gst_proxy_pad_chain_list_default)
      return nullptr;
    return GstPtr<GstPad>(GST_PAD(gst_proxy_pad_get_internal(GST_PROXY_PAD(sink))));
  }
  GstPtr<GstElement> element(gst_pad_get_parent_element(sink));
  if (!element || !may_pass_buffers_unchanged(element.get())) return nullptr;
  if (g_object_get_data(G_OBJECT(element.get()), worked_key)) return nullptr;
  if (!passes_buffers_unchanged(element.get())) {
    g_object_set_data(G_OBJECT(element.get()), worked_key, GINT_TO_POINTER(1));
    return nullptr;
  }
  GstPtr<GstPad> src(gst_element_get_static_pad(element.get(), "src"));
  watched = std::move(element);
  return src;
}

// A link a buffer crosses. The first starts at the pad the way starts from, which it does not hold:
// the way is kept in that pad's probe.
struct Link {
  GstPtr<GstPad> src, sink;
};

// A change to a skipped element's settings may make it do work: the way must be found again.
struct Watch {
  GstPtr<GstElement> element;
  gulong handler = 0;
};

struct Route {
  std::vector<Link> links;  // every link the long way crosses; the last one ends at the exit
  std::vector<Watch> watches;
  std::shared_ptr<std::atomic<bool>> changed = std::make_shared<std::atomic<bool>>(false);

  Route() = default;
  Route(Route&&) = default;
  Route& operator=(Route&& other) noexcept {
    unwatch();
    links = std::move(other.links);
    watches = std::move(other.watches);
    changed = std::move(other.changed);
    return *this;
  }
  ~Route() { unwatch(); }

  void unwatch() {
    for (auto& w : watches) g_signal_handler_disconnect(w.element.get(), w.handler);
    watches.clear();
  }

  void watch(GstPtr<GstElement> element) {
    gulong handler = g_signal_connect_data(
        element.get(), "notify", G_CALLBACK(+[](GObject*, GParamSpec*, gpointer data) {
          static_cast<std::shared_ptr<std::atomic<bool>>*>(data)->get()->store(true);
        }),
        new std::shared_ptr<std::atomic<bool>>(changed),
        +[](gpointer data, GClosure*) { delete static_cast<std::shared_ptr<std::atomic<bool>>*>(data); },
        GConnectFlags(0));
    watches.push_back({std::move(element), handler});
  }

  GstPad* exit() const { return links.back().sink.get(); }

  // The links are as they were found, and no skipped pad would hold the buffer back or refuse it.
  // Flags and peers are read as GStreamer's own fast paths read them, without the object lock: a
  // change that races with one buffer affects that buffer only.
  bool intact(GstPad* from) const { return !changed->load(std::memory_order_relaxed) && linked(from); }
  bool linked(GstPad* from) const {
    for (std::size_t i = 0; i < links.size(); ++i) {
      if (GST_PAD_PEER(i == 0 ? from : links[i].src.get()) != links[i].sink.get()) return false;
    }
    return true;
  }
  bool open() const {
    for (std::size_t i = 0; i < links.size(); ++i) {
      if (i > 0 && (GST_OBJECT_FLAGS(links[i].src.get()) & long_way_flags)) return false;
      if (i + 1 < links.size() && (GST_OBJECT_FLAGS(links[i].sink.get()) & long_way_flags)) return false;
    }
    return true;
  }
};

Route find_route(GstPad* from) {
  Route route;
  GstPtr<GstPad> src;
  while (route.links.size() < max_links) {
    GstPtr<GstPad> sink(gst_pad_get_peer(src ? src.get() : from));
    if (!sink) break;
    GstPtr<GstElement> watched;
    GstPtr<GstPad> next = passed_on_from(sink.get(), watched);
    route.links.push_back({std::move(src), std::move(sink)});
    if (watched) route.watch(std::move(watched));
    if (!next) return route;
    src = std::move(next);
  }
  route.links.clear();
  return route;
}

GstPadProbeReturn on_buffer(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto& bypass = *static_cast<Bypass*>(data);
  GstPad* exit = bypass.exit();
  if (bypass.searched() && bypass.skips() == 0) return GST_PAD_PROBE_REMOVE;
  if (!exit) return GST_PAD_PROBE_OK;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    GST_PAD_PROBE_INFO_FLOW_RETURN(info) = gst_pad_chain(exit, GST_PAD_PROBE_INFO_BUFFER(info));
  else
    GST_PAD_PROBE_INFO_FLOW_RETURN(info) = gst_pad_chain_list(exit, GST_PAD_PROBE_INFO_BUFFER_LIST(info));
  GST_PAD_PROBE_INFO_DATA(info) = nullptr;
  return GST_PAD_PROBE_HANDLED;
}

void on_pad_added(GstElement*, GstPad* pad, gpointer) {
  if (GST_PAD_IS_SRC(pad)) add_shortcut(pad);
}

}  // namespace

struct Bypass::State {
  std::mutex mutex;
  std::atomic<bool> searched = false;
  std::atomic<std::size_t> skips = 0;
  bool started = false;  // the exit has had the stream's segment
  Route route;
};

Bypass::Bypass(GstPad* from) : from_(from), state_(std::make_unique<State>()) {}
Bypass::~Bypass() = default;

GstPad* Bypass::exit() {
  auto& s = *state_;
  std::lock_guard lock(s.mutex);
  if (!s.searched || !s.route.intact(from_)) {
    s.route = find_route(from_);
    s.skips = s.route.links.empty() ? 0 : s.route.links.size() - 1;
    s.searched = true;
    s.started = false;
  }
  if (s.route.links.empty() || !s.route.open()) return nullptr;
  if (!s.started) {
    GstEvent* segment = gst_pad_get_sticky_event(s.route.exit(), GST_EVENT_SEGMENT, 0);
    if (!segment) return nullptr;
    gst_event_unref(segment);
    s.started = true;
  }
  return s.route.exit();
}

bool Bypass::searched() const { return state_->searched; }
std::size_t Bypass::skips() const { return state_->skips; }

void add_shortcut(GstPad* from) {
  gst_pad_add_probe(from, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST), on_buffer,
                    new Bypass(from), +[](gpointer data) { delete static_cast<Bypass*>(data); });
}

void add_shortcuts(GstElement* element) {
  if (GST_IS_BIN(element)) return;
  g_signal_connect(element, "pad-added", G_CALLBACK(on_pad_added), nullptr);
  GstIterator* pads = gst_element_iterate_src_pads(element);
  gst_iterator_foreach(
      pads, +[](const GValue* value, gpointer) { add_shortcut(GST_PAD(g_value_get_object(value))); }, nullptr);
  gst_iterator_free(pads);
}

}  // namespace assist::media
