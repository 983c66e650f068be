// chat: messages between everyone in a call, stored in order (lib/domain/chat), sent to all
// members once stored and, as chat_history, to whoever joins later. Each participant may
// send a few messages a second; a flood is refused without being stored. typing notices go to
// the others in the call only, are never stored, and beyond 2 a second are dropped silently.
// A file shared over REST is a chat message with a `file` member.
#pragma once

#include <cstdint>
#include <functional>

#include "store/sqlite.h"

namespace assist::signalling {

class Hub;
// Runs a task once the current turn of the event loop is over (the daemon posts it to its
// io_context): the messages of a turn are stored in one transaction (`db`, the hub's own).
using Defer = std::function<void(std::function<void()>)>;
void add_chat_handler(Hub& hub, Db& db, Defer defer);
// A message stored outside the call (a file shared over REST) goes to everyone in its call.
void announce_chat_message(Hub& hub, Db& db, std::int64_t message_id);

}  // namespace assist::signalling
