#include "branch_entry.h"

namespace assist::media {

GstPad* add_branch_entry(GstElement* bin, GstPad* target, const char* name) {
  GstPad* entry = gst_ghost_pad_new(name, target);
  gst_pad_set_chain_function(entry, +[](GstPad* pad, GstObject* parent, GstBuffer* buffer) {
    gst_proxy_pad_chain_default(pad, parent, buffer);
    return GST_FLOW_OK;
  });
  gst_pad_set_chain_list_function(entry, +[](GstPad* pad, GstObject* parent, GstBufferList* list) {
    gst_proxy_pad_chain_list_default(pad, parent, list);
    return GST_FLOW_OK;
  });
  gst_element_add_pad(bin, entry);
  return entry;
}

}  // namespace assist::media
