// Typed owning pointers for GStreamer and GLib objects. The primary template has no deleter,
// so holding a type nobody taught us to free fails to compile.
#pragma once

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include <memory>

namespace assist::media {

template <class T>
struct GstDeleter;  // deliberately undefined

template <>
struct GstDeleter<GstElement> {
  void operator()(GstElement* p) const { gst_object_unref(p); }
};
template <>
struct GstDeleter<GstPad> {
  void operator()(GstPad* p) const { gst_object_unref(p); }
};
template <>
struct GstDeleter<GstCaps> {
  void operator()(GstCaps* p) const { gst_caps_unref(p); }
};
template <>
struct GstDeleter<GstPromise> {
  void operator()(GstPromise* p) const { gst_promise_unref(p); }
};
template <>
struct GstDeleter<GError> {
  void operator()(GError* p) const { g_error_free(p); }
};
template <>
struct GstDeleter<GstWebRTCSessionDescription> {
  void operator()(GstWebRTCSessionDescription* p) const { gst_webrtc_session_description_free(p); }
};
template <>
struct GstDeleter<GstSDPMessage> {
  void operator()(GstSDPMessage* p) const { gst_sdp_message_free(p); }
};
template <>
struct GstDeleter<GstBus> {
  void operator()(GstBus* p) const { gst_object_unref(p); }
};
template <>
struct GstDeleter<gchar> {
  void operator()(gchar* p) const { g_free(p); }
};

template <class T>
using GstPtr = std::unique_ptr<T, GstDeleter<T>>;

// Takes a new reference to a borrowed object.
inline GstPtr<GstElement> ref(GstElement* e) {
  return GstPtr<GstElement>(GST_ELEMENT(gst_object_ref(e)));
}

}  // namespace assist::media
