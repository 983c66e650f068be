// What a call's media reports to its owner, on the owner's thread (see Engine::post). Plain C++:
// the signalling side includes it without GStreamer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace assist::media {

// How a participant's recording file ended (recorder.h).
struct RecordingResult {
  bool complete = false;  // stopped on purpose; false: it failed (the disk is full…)
  std::string error;      // why it failed
  std::uint64_t bytes = 0;
  std::string sha256;            // of the whole file, hex; "" when it could not be read
  std::int64_t duration_ms = 0;  // from the first to the last media time written
};

// A still the server decoded from a participant's video (frame_grabber.h).
struct StillResult {
  std::string error;  // "" when it worked
  std::string jpeg;
  int width = 0, height = 0;
};

struct RoomEvents {
  // The server's answer to the participant's offer.
  std::function<void(const std::string& participant, const std::string& sdp)> answer;
  // A server candidate, for the participant's m-line `mline`.
  std::function<void(const std::string& participant, unsigned mline, const std::string& candidate)> candidate;
  // "new", "connecting", "connected", "disconnected", "failed", "closed"
  std::function<void(const std::string& participant, const std::string& state)> connection_state;
  // `code` names the problem for the client (offer_not_bundled, unsupported_offer, …).
  std::function<void(const std::string& participant, const std::string& code, const std::string& problem)> failure;
  // While the call records, each connection's media goes to a file of its own: this one began
  // (`path` exists), then ended.
  std::function<void(const std::string& participant, const std::string& path)> recording_started;
  std::function<void(const std::string& participant, const std::string& path, const RecordingResult& result)>
      recording_finished;
  // The answer to Room::take_still for `request`.
  std::function<void(const std::string& participant, const std::string& request, const StillResult& result)>
      still_taken;
};

}  // namespace assist::media
