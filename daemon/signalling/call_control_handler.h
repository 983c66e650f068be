// end: a specialist or supervisor ends the call for everyone.
#pragma once

namespace assist::signalling {

class Hub;
void add_call_control_handler(Hub& hub);

}  // namespace assist::signalling
