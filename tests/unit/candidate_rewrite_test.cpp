#include "candidate_rewrite.h"

#include <gtest/gtest.h>

namespace assist::media {
namespace {

const std::string public_v4 = "203.0.113.7";

TEST(CandidateRewrite, HostCandidateAnnouncesThePublicAddress) {
  EXPECT_EQ(rewrite_candidate("candidate:1 1 UDP 2015363327 10.0.0.5 40012 typ host", public_v4),
            "candidate:1 1 UDP 2015363327 203.0.113.7 40012 typ host");
  EXPECT_EQ(rewrite_candidate("a=candidate:2 1 TCP 1015021823 10.0.0.5 9 typ host tcptype active", public_v4),
            "a=candidate:2 1 TCP 1015021823 203.0.113.7 9 typ host tcptype active");
  EXPECT_EQ(rewrite_candidate("candidate:1 1 UDP 2015363327 fd00::5 40012 typ host", "2001:db8::7"),
            "candidate:1 1 UDP 2015363327 2001:db8::7 40012 typ host");
}

TEST(CandidateRewrite, OtherCandidatesAreKept) {
  const std::string srflx = "candidate:3 1 UDP 1679819007 198.51.100.9 40012 typ srflx raddr 10.0.0.5 rport 40012";
  EXPECT_EQ(rewrite_candidate(srflx, public_v4), srflx);
  const std::string relay = "candidate:4 1 UDP 8331263 192.0.2.1 50000 typ relay raddr 0.0.0.0 rport 0";
  EXPECT_EQ(rewrite_candidate(relay, public_v4), relay);
  // Another family: an IPv4 public address says nothing about IPv6 candidates.
  const std::string v6 = "candidate:5 1 UDP 2015363327 fd00::5 40014 typ host";
  EXPECT_EQ(rewrite_candidate(v6, public_v4), v6);
  const std::string mdns = "candidate:6 1 udp 2113937151 4a6b2c1d.local 51000 typ host";
  EXPECT_EQ(rewrite_candidate(mdns, public_v4), mdns);
}

TEST(CandidateRewrite, NothingToDoOrNotACandidate) {
  const std::string host = "candidate:1 1 UDP 2015363327 10.0.0.5 40012 typ host";
  EXPECT_EQ(rewrite_candidate(host, ""), host);
  EXPECT_EQ(rewrite_candidate(host, "not-an-address"), host);
  EXPECT_EQ(rewrite_candidate("", public_v4), "");
  EXPECT_EQ(rewrite_candidate("candidate:1 1 UDP", public_v4), "candidate:1 1 UDP");
  EXPECT_EQ(rewrite_candidate("a=mid:0", public_v4), "a=mid:0");
  EXPECT_EQ(rewrite_candidate("candidate:1 1 UDP 1 10.0.0.5 4 type host x", public_v4),
            "candidate:1 1 UDP 1 10.0.0.5 4 type host x");
}

TEST(CandidateRewrite, SdpCandidateAndConnectionLines) {
  const std::string sdp =
      "v=0\r\n"
      "o=- 1 0 IN IP4 0.0.0.0\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "m=video 40012 UDP/TLS/RTP/SAVPF 96\r\n"
      "c=IN IP4 10.0.0.5\r\n"
      "a=candidate:1 1 UDP 2015363327 10.0.0.5 40012 typ host\r\n"
      "a=candidate:3 1 UDP 1679819007 198.51.100.9 40012 typ srflx raddr 10.0.0.5 rport 40012\r\n"
      "a=candidate:5 1 UDP 2015363327 fd00::5 40014 typ host\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "c=IN IP6 fd00::5\r\n"
      "a=mid:1\r\n";
  const std::string expected =
      "v=0\r\n"
      "o=- 1 0 IN IP4 0.0.0.0\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "m=video 40012 UDP/TLS/RTP/SAVPF 96\r\n"
      "c=IN IP4 203.0.113.7\r\n"
      "a=candidate:1 1 UDP 2015363327 203.0.113.7 40012 typ host\r\n"
      "a=candidate:3 1 UDP 1679819007 198.51.100.9 40012 typ srflx raddr 10.0.0.5 rport 40012\r\n"
      "a=candidate:5 1 UDP 2015363327 fd00::5 40014 typ host\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "c=IN IP6 fd00::5\r\n"
      "a=mid:1\r\n";
  EXPECT_EQ(rewrite_sdp(sdp, public_v4), expected);
  EXPECT_EQ(rewrite_sdp(sdp, ""), sdp);
}

TEST(CandidateRewrite, SdpLineEndingsAreKept) {
  EXPECT_EQ(rewrite_sdp("c=IN IP4 10.0.0.5\nv=0", public_v4), "c=IN IP4 203.0.113.7\nv=0");
  EXPECT_EQ(rewrite_sdp("c=IN IP4 10.0.0.5", public_v4), "c=IN IP4 203.0.113.7");
  EXPECT_EQ(rewrite_sdp("c=IN IP4 224.2.1.1/127\r\n", public_v4), "c=IN IP4 224.2.1.1/127\r\n");
  EXPECT_EQ(rewrite_sdp("", public_v4), "");
}

}  // namespace
}  // namespace assist::media
