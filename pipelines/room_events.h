// What a call's media reports to its owner, on the owner's thread (see Engine::post). Plain C++:
// the signalling side includes it without GStreamer.
#pragma once

#include <functional>
#include <string>

namespace assist::media {

struct RoomEvents {
  // The server's answer to the participant's offer.
  std::function<void(const std::string& participant, const std::string& sdp)> answer;
  // A server candidate, for the participant's m-line `mline`.
  std::function<void(const std::string& participant, unsigned mline, const std::string& candidate)> candidate;
  // "new", "connecting", "connected", "disconnected", "failed", "closed"
  std::function<void(const std::string& participant, const std::string& state)> connection_state;
  // `code` names the problem for the client (offer_not_bundled, unsupported_offer, …).
  std::function<void(const std::string& participant, const std::string& code, const std::string& problem)> failure;
};

}  // namespace assist::media
