// The offer plan: what assistd makes of offers as aiortc and Chromium write them, and of
// offers that are broken or hostile.
#include "offer_plan.h"

#include <gtest/gtest.h>

#include <string>

namespace assist::media {
namespace {

// aiortc 1.4's offer, as it makes it: its own ICE credentials, port and candidates per m-line.
const std::string aiortc_offer =
    "v=0\r\no=- 4005170847 4005170847 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
    "a=msid-semantic:WMS *\r\n"
    "m=audio 59932 UDP/TLS/RTP/SAVPF 96 0 8\r\nc=IN IP4 192.0.2.2\r\na=sendrecv\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\na=mid:0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=rtcp-mux\r\n"
    "a=ssrc:1625792895 cname:bfcd\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=candidate:f957 1 udp 2130706431 192.0.2.2 59932 typ host\r\na=end-of-candidates\r\n"
    "a=ice-ufrag:ecaT\r\na=ice-pwd:xL9OL9eDRKETGkEa4DAyQP\r\na=fingerprint:sha-256 30:83\r\na=setup:actpass\r\n"
    "m=video 55009 UDP/TLS/RTP/SAVPF 97 98 99 100\r\nc=IN IP4 192.0.2.2\r\na=sendrecv\r\na=mid:1\r\n"
    "a=rtcp-mux\r\na=rtpmap:97 VP8/90000\r\na=rtcp-fb:97 nack pli\r\na=rtpmap:98 rtx/90000\r\na=fmtp:98 apt=97\r\n"
    "a=rtpmap:99 H264/90000\r\na=rtcp-fb:99 nack pli\r\n"
    "a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
    "a=rtpmap:100 rtx/90000\r\na=fmtp:100 apt=99\r\n"
    "a=candidate:f958 1 udp 2130706431 192.0.2.2 55009 typ host\r\na=end-of-candidates\r\n"
    "a=ice-ufrag:g9ml\r\na=ice-pwd:WP2EDveOur3S4MRxL0NIId\r\na=fingerprint:sha-256 30:83\r\na=setup:actpass\r\n";

// The shape of Chromium's: one set of credentials, a screen m-line without a track yet, a data
// channel at the end.
const std::string browser_offer =
    "v=0\r\no=- 77 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2 3\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:AAAA\r\na=ice-pwd:pppppppppppppppppppppp\r\n"
    "a=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:AAAA\r\na=ice-pwd:pppppppppppppppppppppp\r\n"
    "a=mid:1\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:AAAA\r\na=ice-pwd:pppppppppppppppppppppp\r\n"
    "a=mid:2\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:3\r\na=sctp-port:5000\r\n";

std::string code_of(const std::string& sdp) {
  try {
    plan_offer(sdp);
  } catch (const OfferError& e) {
    return e.code;
  }
  return "accepted";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

TEST(OfferPlan, GivesEveryBundledLineTheFirstLinesTransport) {
  const auto plan = plan_offer(aiortc_offer);
  ASSERT_EQ(plan.lines.size(), 2u);
  EXPECT_EQ(plan.lines[0].role, Role::microphone);
  EXPECT_EQ(plan.lines[1].role, Role::camera);
  EXPECT_EQ(plan.sdp.find("a=ice-ufrag:g9ml"), std::string::npos);
  EXPECT_EQ(plan.sdp.find("55009 typ host"), std::string::npos) << "the second transport's candidate stays out";
  EXPECT_NE(plan.sdp.find("59932 typ host"), std::string::npos);
  const auto second = plan.sdp.find("m=video");
  EXPECT_NE(plan.sdp.find("a=ice-ufrag:ecaT", second), std::string::npos);
  EXPECT_NE(plan.sdp.find("a=ice-pwd:xL9OL9eDRKETGkEa4DAyQP", second), std::string::npos);
  EXPECT_EQ(plan.session_id, "- 4005170847");
}

TEST(OfferPlan, ChoosesOneCodecPerLineInTheOffersOrderOrTheCallsCodec) {
  auto plan = plan_offer(aiortc_offer);
  EXPECT_EQ(plan.lines[0].codec.encoding, "OPUS");
  EXPECT_EQ(plan.lines[0].codec.payload, 96u);
  EXPECT_EQ(plan.lines[1].codec.encoding, "VP8");
  EXPECT_EQ(plan.lines[1].codec.payload, 97u);
  plan = plan_offer(aiortc_offer, "H264");
  EXPECT_EQ(plan.lines[1].codec.encoding, "H264");
  EXPECT_EQ(plan.lines[1].codec.payload, 99u);
  const auto caps = plan.lines[1].codec.caps(1234);
  EXPECT_NE(caps.find("encoding-name=H264"), std::string::npos) << caps;
  EXPECT_NE(caps.find("packetization-mode=(string)1"), std::string::npos) << caps;
  EXPECT_NE(caps.find("profile-level-id=(string)42001f"), std::string::npos) << caps;
  EXPECT_NE(caps.find("ssrc=(uint)1234"), std::string::npos) << caps;
  // H.264 without packetization-mode 1 is not forwarded: VP8 it is.
  plan = plan_offer(replace_all(aiortc_offer, "packetization-mode=1", "packetization-mode=0"), "H264");
  EXPECT_EQ(plan.lines[1].codec.encoding, "VP8");
}

TEST(OfferPlan, AssignsRolesAndRejectsWhatItDoesNotUseWithPortZero) {
  const auto plan = plan_offer(browser_offer);
  ASSERT_EQ(plan.lines.size(), 3u);
  EXPECT_EQ(plan.lines[2].role, Role::screen);
  EXPECT_EQ(plan.lines[2].mid, "2");
  EXPECT_EQ(plan.sdp.find("m=application"), std::string::npos);
  EXPECT_NE(plan.sdp.find("a=group:BUNDLE 0 1 2\r\n"), std::string::npos);
  ASSERT_EQ(plan.rejected.size(), 1u);
  // webrtcbin answers the three m-lines it saw; the participant gets four back.
  const std::string webrtc_answer =
      "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\n";
  const auto answer = plan.answer_for_participant(webrtc_answer);
  EXPECT_NE(answer.find("a=mid:2\r\nm=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
                        "a=mid:3\r\na=inactive\r\n"),
            std::string::npos)
      << answer;
}

TEST(OfferPlan, AcceptsMlinesInAnyOrder) {
  const std::string offer =
      "v=0\r\no=- 5 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE v a\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 100\r\na=mid:v\r\na=recvonly\r\na=rtpmap:100 VP8/90000\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 109\r\na=mid:a\r\na=sendonly\r\na=rtpmap:109 opus/48000/2\r\n";
  const auto plan = plan_offer(offer);
  ASSERT_EQ(plan.lines.size(), 2u);
  EXPECT_EQ(plan.lines[0].role, Role::camera);
  EXPECT_FALSE(plan.lines[0].sends);
  EXPECT_TRUE(plan.lines[0].receives);
  EXPECT_EQ(plan.lines[1].role, Role::microphone);
  EXPECT_TRUE(plan.lines[1].sends);
  EXPECT_FALSE(plan.lines[1].receives);
}

TEST(OfferPlan, MapsCandidatesToTheBundleTransport) {
  const auto plan = plan_offer(aiortc_offer);
  EXPECT_EQ(plan.webrtc_index(0), 0u);
  EXPECT_FALSE(plan.webrtc_index(1)) << "a candidate of the unused second transport is dropped";
  EXPECT_THROW(plan.webrtc_index(2), OfferError);
  EXPECT_EQ(plan.offer_index(0), 0u);
}

TEST(OfferPlan, RefusesBrokenAndHostileOffers) {
  EXPECT_EQ(code_of("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"), "malformed_offer");
  EXPECT_EQ(code_of("not sdp"), "malformed_offer");
  EXPECT_EQ(code_of(replace_all(aiortc_offer, "a=group:BUNDLE 0 1\r\n", "")), "offer_not_bundled");
  EXPECT_EQ(code_of(replace_all(aiortc_offer, "a=mid:1", "a=mid:0")), "malformed_offer");
  std::string only_unsupported = replace_all(aiortc_offer, "opus/48000/2", "G722/8000");
  only_unsupported = replace_all(only_unsupported, "VP8/90000", "AV1/90000");
  only_unsupported = replace_all(only_unsupported, "H264/90000", "VP9/90000");
  EXPECT_EQ(code_of(only_unsupported), "unsupported_offer");
  EXPECT_EQ(code_of(replace_all(aiortc_offer, "a=sendrecv\r\n", "a=sendrecv\r\na=x:" + std::string(5000, 'x') + "\r\n")),
            "malformed_offer");
  std::string many = aiortc_offer;
  for (int i = 0; i < 70; ++i) many += "a=candidate:" + std::to_string(i) + " 1 udp 1 192.0.2.9 1000 typ host\r\n";
  EXPECT_EQ(code_of(many), "malformed_offer");
  std::string lines = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE";
  std::string sections;
  for (int i = 0; i < 17; ++i) {
    lines += " " + std::to_string(i);
    sections += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:" + std::to_string(i) + "\r\na=rtpmap:111 opus/48000/2\r\n";
  }
  EXPECT_EQ(code_of(lines + "\r\n" + sections), "too_many_mlines");
}

}  // namespace
}  // namespace assist::media
