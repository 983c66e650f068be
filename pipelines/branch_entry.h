// The way into a bin hung off a call's tee (a recording, a photo): a ghost pad to `target`
// whose chain functions always answer OK, so whatever goes wrong inside the bin is the bin's
// and the tee, and with it the sender's connection, never hears of it. A failed element says
// so on the bus, and the room ends what it belongs to.
#pragma once

#include <gst/gst.h>

namespace assist::media {

// Adds the pad, named `name`, to `bin`; returns it (owned by the bin).
GstPad* add_branch_entry(GstElement* bin, GstPad* target, const char* name);

}  // namespace assist::media
