#include "signalling/media_handler.h"

#include "signalling/hub.h"

namespace assist::signalling {
namespace {

void check_sdp(const std::string& sdp) {
  if (sdp.rfind("v=0", 0) != 0) throw ProtocolError("malformed", "'sdp' is not a session description");
}

void offer(Context& c, const Message& m) {
  if (m.text("stream") != media::publish_stream) throw ProtocolError("malformed", "offers are for the 'publish' stream");
  const auto sdp = m.text("sdp");
  check_sdp(sdp);
  c.room().publish(c.participant(), sdp);
}

void answer(Context& c, const Message& m) {
  const auto stream = m.text("stream");
  if (stream.rfind("sub:", 0) != 0) throw ProtocolError("malformed", "answers are for 'sub:' streams");
  const auto sdp = m.text("sdp");
  check_sdp(sdp);
  c.room().accept_answer(c.participant(), stream, sdp);
}

void ice(Context& c, const Message& m) {
  const auto candidate = m.text("candidate");
  if (!candidate.empty() && candidate.rfind("candidate:", 0) != 0)
    throw ProtocolError("malformed", "'candidate' must be an ICE candidate line");
  c.room().add_candidate(c.participant(), m.text("stream"), static_cast<unsigned>(*m.integer("mline")), candidate);
}

}  // namespace

void add_media_handler(Hub& hub) {
  hub.handle("offer", offer);
  hub.handle("answer", answer);
  hub.handle("ice", ice);
}

}  // namespace assist::signalling
