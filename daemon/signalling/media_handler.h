// offer / answer / ice: the participant's WebRTC negotiation with the call's media room.
#pragma once

namespace assist::signalling {

class Hub;
void add_media_handler(Hub& hub);

}  // namespace assist::signalling
