// What a call's media reports to its owner, on the owner's thread (see Engine::post). Plain C++:
// the signalling side includes it without GStreamer.
#pragma once

#include <functional>
#include <string>

namespace assist::media {

// Streams as the signalling protocol names them: what a participant sends, and what the server
// forwards to it from another participant.
inline constexpr const char* publish_stream = "publish";
inline std::string subscription_stream(const std::string& publisher) { return "sub:" + publisher; }

struct RoomEvents {
  // type is "answer" (to a publish offer) or "offer" (for a subscription).
  std::function<void(const std::string& participant, const std::string& stream,
                     const std::string& type, const std::string& sdp)>
      description;
  std::function<void(const std::string& participant, const std::string& stream, unsigned mline,
                     const std::string& candidate)>
      candidate;
  // "new", "connecting", "connected", "disconnected", "failed", "closed"
  std::function<void(const std::string& participant, const std::string& stream,
                     const std::string& state)>
      connection_state;
  std::function<void(const std::string& participant, const std::string& problem)> failure;
};

}  // namespace assist::media
