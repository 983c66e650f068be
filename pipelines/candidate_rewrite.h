// 1:1 NAT (like Janus's nat_1_1_mapping): the server's host candidates announce a public
// address instead of the host's own, for a server behind a NAT that forwards the media ports
// unchanged. Pure text functions, so the room can apply them to what it emits and tests can
// check them without GStreamer.
#pragma once

#include <string>

namespace assist::media {

// One ICE candidate ("candidate:…", with or without a leading "a="): the connection address of
// a host candidate of the same family as `public_address` becomes `public_address`. Other
// candidates (srflx, relay, prflx, another family, mDNS names) and text that is not a candidate
// come back unchanged, as does everything when `public_address` is empty.
std::string rewrite_candidate(const std::string& candidate, const std::string& public_address);

// A session description: every `a=candidate` line as above, and `c=` lines whose address is a
// specified address of the same family (0.0.0.0 and :: mean "no address yet" and are kept).
// Line endings are kept.
std::string rewrite_sdp(const std::string& sdp, const std::string& public_address);

}  // namespace assist::media
