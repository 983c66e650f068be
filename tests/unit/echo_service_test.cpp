// The network test's echo endpoint over fake media rooms: its budget (how many at once, how long,
// what bitrate), what it passes to its room, and how it takes bad input.
#include "signalling/echo_service.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "hub_fixture.h"

namespace assist::signalling {
namespace {

using hub_testing::FakePeer;
using hub_testing::PeerPtr;
using nlohmann::json;

const std::string offer_sdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
const std::string answer_sdp =
    "v=0\r\no=- 2 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:30000\r\na=mid:1\r\n";

class EchoServiceTest : public ::testing::Test {
 protected:
  PeerPtr open(const std::string& address = "127.0.0.1") {
    auto peer = std::make_shared<FakePeer>("test" + std::to_string(++opened_));
    HttpRequest upgrade;
    upgrade.peer = address;
    service.on_open(peer, upgrade);
    return peer;
  }
  void say(const PeerPtr& p, const json& m) { service.on_message(p, m.dump()); }

  std::shared_ptr<Config> config = [] {
    auto c = std::make_shared<Config>();
    c->diagnostics_max_tests = 2;
    c->diagnostics_max_kbps = 1500;
    c->diagnostics_max_duration = 30;
    c->stun_server = "stun://192.0.2.1:3478";
    return c;
  }();
  testing::FakeMediaRooms rooms;
  std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> scheduled;
  EchoService service{rooms, [this] { return config; },
                      [this](std::chrono::milliseconds delay, std::function<void()> task) {
                        scheduled.emplace_back(delay, std::move(task));
                      }};
  int opened_ = 0;
};

TEST_F(EchoServiceTest, ATestGetsItsBudgetAndARoomOfItsOwnWhereItIsItsOwnPartner) {
  auto p = open();
  ASSERT_FALSE(p->sent.empty());
  EXPECT_EQ(p->sent.front(), (json{{"type", "echo"},
                                   {"max_kbps", 1500},
                                   {"seconds", 30},
                                   {"ice_servers", json::array({{{"urls", {"stun:192.0.2.1:3478"}}}})}}));
  ASSERT_EQ(rooms.echoes.size(), 1u);
  ASSERT_EQ(rooms.echoes[0]->of("join").size(), 1u);
  EXPECT_EQ(rooms.echoes[0]->of("join")[0].text, "echo");
  EXPECT_TRUE(rooms.opened.empty()) << "a test opened a call's room";
  ASSERT_EQ(scheduled.size(), 1u);
  EXPECT_EQ(scheduled[0].first, std::chrono::seconds(30));
  EXPECT_EQ(service.running(), 1u);
}

TEST_F(EchoServiceTest, OneTestOverTheCapIsRefusedUntilAnotherEnds) {
  auto a = open("192.0.2.1"), b = open("192.0.2.2");
  auto c = open("192.0.2.3");
  EXPECT_EQ(c->last("error")["code"], "echo_busy");
  EXPECT_EQ(c->last("error")["final"], false);
  EXPECT_TRUE(c->closed());
  EXPECT_EQ(c->count("echo"), 0);
  EXPECT_EQ(rooms.echoes.size(), 2u) << "the refused test got a room";
  EXPECT_FALSE(a->closed());
  EXPECT_FALSE(b->closed());
  service.on_close(c);  // the refused socket's end changes nothing
  EXPECT_EQ(service.running(), 2u);
  service.on_close(a);
  EXPECT_TRUE(rooms.echoes[0]->destroyed);
  auto d = open();
  EXPECT_EQ(d->count("echo"), 1);
  EXPECT_EQ(d->count("error"), 0);
}

TEST_F(EchoServiceTest, OneAddressRunsTwoAtMostSoItCannotKeepOthersOut) {
  config->diagnostics_max_tests = 10;
  auto a = open("192.0.2.7"), b = open("192.0.2.7");
  auto c = open("192.0.2.7");
  EXPECT_EQ(c->last("error")["code"], "echo_busy");
  EXPECT_TRUE(c->closed());
  auto other = open("198.51.100.1");
  EXPECT_EQ(other->count("echo"), 1);
  service.on_close(a);
  EXPECT_EQ(open("192.0.2.7")->count("echo"), 1);
}

TEST_F(EchoServiceTest, NoTestsAtAllWhenTheCapIsZero) {
  config->diagnostics_max_tests = 0;
  auto p = open();
  EXPECT_EQ(p->last("error")["code"], "echo_off");
  EXPECT_EQ(p->last("error")["final"], true);
  EXPECT_TRUE(p->closed());
  EXPECT_TRUE(rooms.echoes.empty());
}

TEST_F(EchoServiceTest, TheOfferAndCandidatesReachTheRoomAndTheAnswerAsksForTheBitrateCap) {
  auto p = open();
  say(p, {{"type", "offer"}, {"sdp", offer_sdp}});
  say(p, {{"type", "ice"}, {"mline", 1}, {"candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host"}});
  auto& room = *rooms.echoes[0];
  ASSERT_EQ(room.of("offer").size(), 1u);
  EXPECT_EQ(room.of("offer")[0].participant, "echo");
  EXPECT_EQ(room.of("offer")[0].text, offer_sdp);
  ASSERT_EQ(room.of("add_candidate").size(), 1u);
  EXPECT_EQ(room.of("add_candidate")[0].mline, 1u);
  room.events.answer("echo", answer_sdp);
  room.events.candidate("echo", 0, "candidate:2 1 udp 1 127.0.0.1 6000 typ host");
  room.events.connection_state("echo", "connected");
  const auto answer = p->last("answer")["sdp"].get<std::string>();
  const auto video = answer.find("m=video");
  ASSERT_NE(video, std::string::npos);
  EXPECT_NE(answer.find("b=AS:1500\r\n", video), std::string::npos) << answer;
  EXPECT_EQ(answer.find("b=AS:30000"), std::string::npos) << "the client's own limit was left";
  EXPECT_EQ(answer.find("b=AS"), answer.find("b=AS", video)) << "audio was limited";
  EXPECT_EQ(p->last("ice")["mline"], 0);
  EXPECT_EQ(p->last("media")["state"], "connected");
}

TEST_F(EchoServiceTest, BadMessagesAreRefusedAndTheTestGoesOn) {
  auto p = open();
  service.on_message(p, "{not json");
  EXPECT_EQ(p->last("error")["code"], "malformed");
  say(p, {{"type", "ice"}, {"mline", 0}, {"candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host"}});
  EXPECT_EQ(p->last("error")["code"], "no_offer");
  say(p, {{"type", "hello"}, {"version", 2}, {"token", "x"}});
  EXPECT_EQ(p->last("error")["code"], "unexpected");
  say(p, {{"type", "offer"}, {"sdp", "not sdp"}});
  EXPECT_EQ(p->last("error")["code"], "malformed");
  say(p, {{"type", "offer"}, {"sdp", std::string(40000, 'v')}});
  EXPECT_EQ(p->last("error")["code"], "too_large");
  EXPECT_EQ(rooms.echoes[0]->count("offer"), 0);
  say(p, {{"type", "ping"}});
  EXPECT_EQ(p->count("pong"), 1);
  EXPECT_FALSE(p->closed());
  // What the media side refuses comes back with its code.
  say(p, {{"type", "offer"}, {"sdp", offer_sdp}});
  rooms.echoes[0]->events.failure("echo", "offer_not_bundled", "the offer has no BUNDLE group");
  EXPECT_EQ(p->last("error")["code"], "offer_not_bundled");
  EXPECT_FALSE(p->closed());
}

TEST_F(EchoServiceTest, WhenTimeIsUpTheTestEndsAndItsRoomCloses) {
  auto p = open();
  ASSERT_EQ(scheduled.size(), 1u);
  scheduled[0].second();
  EXPECT_EQ(p->last("error")["code"], "echo_time_up");
  EXPECT_EQ(p->last("error")["final"], true);
  EXPECT_TRUE(p->closed());
  EXPECT_TRUE(rooms.echoes[0]->destroyed);
  EXPECT_EQ(service.running(), 0u);
  // Events the room had already posted go nowhere.
  rooms.echoes[0]->events.answer("echo", answer_sdp);
  EXPECT_EQ(p->count("answer"), 0);
}

TEST_F(EchoServiceTest, ATimeLimitOfATestThatEndedTouchesNoOther) {
  auto a = open();
  service.on_close(a);
  auto b = open();
  scheduled[0].second();  // a's
  EXPECT_FALSE(b->closed());
  EXPECT_EQ(service.running(), 1u);
}

TEST_F(EchoServiceTest, AFloodClosesTheTest) {
  auto p = open();
  for (int i = 0; i < 300 && !p->closed(); ++i) say(p, {{"type", "ping"}});
  EXPECT_TRUE(p->closed());
  EXPECT_EQ(p->last("error")["code"], "rate_limited");
  EXPECT_EQ(service.running(), 0u);
}

TEST_F(EchoServiceTest, StoppingEndsEveryTest) {
  auto a = open(), b = open();
  service.stop();
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());
  EXPECT_EQ(service.running(), 0u);
}

TEST(EchoAnswer, VideoLimitedAndStartedHighAudioInTenMillisecondPackets) {
  const std::string sdp =
      "v=0\r\ns=-\r\nm=audio 9 RTP/AVP 111\r\nc=IN IP4 0.0.0.0\r\nb=AS:64\r\na=ptime:20\r\na=rtpmap:111 OPUS/48000/2\r\n"
      "m=video 9 RTP/AVP 96 97\r\ni=cam\r\nc=IN IP4 0.0.0.0\r\nb=TIAS:9000000\r\na=rtpmap:96 VP8/90000\r\n"
      "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
      "m=video 9 RTP/AVP 102\na=rtpmap:102 H264/90000\na=fmtp:102 packetization-mode=1\n";
  EXPECT_EQ(echo_answer(sdp, 800),
            "v=0\r\ns=-\r\nm=audio 9 RTP/AVP 111\r\nc=IN IP4 0.0.0.0\r\nb=AS:64\r\na=ptime:10\r\n"
            "a=rtpmap:111 OPUS/48000/2\r\n"
            "m=video 9 RTP/AVP 96 97\r\ni=cam\r\nc=IN IP4 0.0.0.0\r\nb=AS:800\r\na=rtpmap:96 VP8/90000\r\n"
            "a=fmtp:96 x-google-start-bitrate=800\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
            "m=video 9 RTP/AVP 102\r\nb=AS:800\r\na=rtpmap:102 H264/90000\r\n"
            "a=fmtp:102 packetization-mode=1;x-google-start-bitrate=800\r\n");
  EXPECT_EQ(echo_answer("v=0\r\nm=video 9 RTP/AVP 96\r\nm=audio 9 RTP/AVP 0\r\n", 5000),
            "v=0\r\nm=video 9 RTP/AVP 96\r\nb=AS:5000\r\nm=audio 9 RTP/AVP 0\r\na=ptime:10\r\n");
}

}  // namespace
}  // namespace assist::signalling
