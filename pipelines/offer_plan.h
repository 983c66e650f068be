// What a participant's offer asks for, in the shape webrtcbin 1.22 can take: each m-line gets a
// role (microphone, camera, screen) and one codec, and the m-lines assistd does not use are
// taken out before webrtcbin sees the offer and put back, rejected (port 0), into the answer.
// Offers from other stacks are normalised on the way: in a BUNDLE group every m-line may carry
// its own ICE credentials and candidates (RFC 8843, section 7.3.1), which webrtcbin refuses;
// the plan gives every bundled m-line the credentials of the first one. Pure text: no
// GStreamer, so the unit tests can feed it what aiortc, Chromium or an attacker send.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace assist::media {

// Refused offers; `code` goes to the client in the error reply.
struct OfferError : std::runtime_error {
  OfferError(std::string code, const std::string& message) : std::runtime_error(message), code(std::move(code)) {}
  std::string code;
};

enum class Role { microphone, camera, screen };
const char* role_name(Role role);

struct Codec {
  std::string media;          // "audio" | "video"
  std::string encoding;       // "OPUS", "VP8", "H264" (upper case, as GStreamer caps say it)
  unsigned payload = 0;       // the offer's payload type
  unsigned clock_rate = 0;
  std::vector<std::pair<std::string, std::string>> parameters;  // fmtp, e.g. packetization-mode=1
  bool pli = false;           // the offer lists "rtcp-fb:<pt> nack pli"

  // Caps for webrtcbin's sink pad and codec preferences, sending with `ssrc`.
  std::string caps(unsigned ssrc) const;
};

struct PlannedLine {
  unsigned offer_index = 0;  // position in the participant's offer (what its candidates say)
  unsigned index = 0;        // position in the offer webrtcbin gets
  std::string mid;
  Role role = Role::microphone;
  Codec codec;
  bool sends = false;     // the participant sends on it
  bool receives = false;  // the participant wants to receive on it
};

struct OfferPlan {
  std::string sdp;         // what webrtcbin gets
  std::string session_id;  // the o= line's: a later offer with the same one is the same connection
  std::vector<PlannedLine> lines;
  unsigned offer_lines = 0;

  const PlannedLine* line(Role role) const;
  // Where the participant's candidate for m-line `offer_index` goes in webrtcbin; nothing when
  // it is for a transport the bundle does not use. Throws OfferError for an m-line not offered.
  std::optional<unsigned> webrtc_index(unsigned offer_index) const;
  // The participant's m-line for a candidate webrtcbin gathered on `index`.
  unsigned offer_index(unsigned index) const;
  // webrtcbin's answer with the m-lines it never saw put back in place, rejected.
  std::string answer_for_participant(const std::string& webrtc_answer) const;

  struct Rejected {
    unsigned offer_index;
    std::string media, proto, format, mid;
  };
  std::vector<Rejected> rejected;
};

// Limits on what one offer may hold.
inline constexpr unsigned max_offer_lines = 16;
inline constexpr unsigned max_candidates_per_line = 64;
inline constexpr std::size_t max_sdp_line = 4096;

// `preferred_video` ("VP8", "H264" or "") is the codec the call already forwards: chosen when
// the offer has it, so both sides send what the other can receive. Otherwise the offer's own
// order decides between VP8 and H.264 (packetization-mode 1). Throws OfferError.
OfferPlan plan_offer(const std::string& sdp, const std::string& preferred_video = "");

}  // namespace assist::media
