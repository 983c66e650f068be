#include "signalling/media_handler.h"

#include "signalling/hub.h"

namespace assist::signalling {
namespace {

void offer(Context& c, const Message& m) {
  const auto sdp = m.text("sdp");
  if (sdp.rfind("v=0", 0) != 0) throw ProtocolError("malformed", "'sdp' is not a session description");
  c.room().offer(c.participant(), sdp);
}

void ice(Context& c, const Message& m) {
  const auto candidate = m.text("candidate");
  if (!candidate.empty() && candidate.rfind("candidate:", 0) != 0)
    throw ProtocolError("malformed", "'candidate' must be an ICE candidate line");
  c.room().add_candidate(c.participant(), static_cast<unsigned>(*m.integer("mline")), candidate);
}

void screen(Context& c, const Message& m) { c.set_sharing(m.flag("sharing")); }

void devices(Context& c, const Message& m) { c.set_devices(m.flag("audio"), m.flag("video")); }

void quality(Context& c, const Message& m) {
  const auto grade = m.text("grade");
  if (grade != "good" && grade != "fair" && grade != "poor")
    throw ProtocolError("malformed", "'grade' must be good, fair or poor");
  c.set_quality(grade);
}

}  // namespace

void add_media_handler(Hub& hub) {
  hub.handle("offer", offer);
  hub.handle("ice", ice);
  hub.handle("screen", screen);
  hub.handle("devices", devices);
  hub.handle("quality", quality);
}

}  // namespace assist::signalling
