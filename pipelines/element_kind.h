// What kind of element a GStreamer element is, by the factory that made it.
#pragma once

#include <gst/gst.h>

#include <cstring>

namespace assist::media {

inline bool factory_is(GstElement* element, const char* name) {
  GstElementFactory* factory = gst_element_get_factory(element);
  return factory && std::strcmp(GST_OBJECT_NAME(factory), name) == 0;
}

}  // namespace assist::media
