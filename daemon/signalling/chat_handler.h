// chat: messages between everyone in a call, stored in order (lib/domain/chat), sent to all
// members as they arrive and, as chat_history, to whoever joins later. Each participant may
// send a few messages a second; a flood is refused without being stored. typing notices go to
// the others in the call only, are never stored, and beyond 2 a second are dropped silently.
#pragma once

namespace assist::signalling {

class Hub;
void add_chat_handler(Hub& hub);

}  // namespace assist::signalling
