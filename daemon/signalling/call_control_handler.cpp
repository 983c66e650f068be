#include "signalling/call_control_handler.h"

#include "signalling/hub.h"

namespace assist::signalling {

void add_call_control_handler(Hub& hub) {
  hub.handle("end", [](Context& c, const Message&) {
    if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist can end the call for all");
    c.end_call_for_all();
  });
}

}  // namespace assist::signalling
