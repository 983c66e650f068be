// The network test's echo (/ws/v1/echo): a browser, or any WebRTC client, offers one connection
// and gets back exactly what it sends, through a media room of its own (pipelines/room.h, the
// "echo" role), so the page measures the path a call would take: round-trip time, jitter, loss
// each way and the bitrate it carries. The /test page has no appointment, so anyone may open
// one, within a budget read from the config at each opening: at most diagnostics.max_tests at
// once and two from one address (the next is refused with echo_busy), each for
// diagnostics.max_duration at most (then
// echo_time_up and the socket closes), video asked to stay under diagnostics.max_kbps (b=AS in
// the answer). Messages are checked against the protocol's table as in a call.
//
//   server: echo {max_kbps, seconds, ice_servers}   client: offer {sdp}, ice {mline, candidate}, ping
//   server: answer, ice, media, error, pong
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "signalling/endpoint.h"
#include "signalling/media_room.h"
#include "signalling/rate_limit.h"

namespace assist::signalling {

// The room's answer, set for measuring: video asked to stay under `max_kbps` (b=AS) and to start
// at up to 1 Mb/s (x-google-start-bitrate: Chromium's congestion control would otherwise start at
// 300 kb/s and, on receiver reports alone, take most of the test to climb); audio in 10 ms
// packets (a=ptime), twice the packets to count losses on.
std::string echo_answer(const std::string& sdp, std::int64_t max_kbps);

class EchoService : public Endpoint {
 public:
  using ConfigSource = std::function<std::shared_ptr<const Config>()>;
  using Scheduler = std::function<void(std::chrono::milliseconds delay, std::function<void()> task)>;

  EchoService(MediaRooms& rooms, ConfigSource config, Scheduler after);
  ~EchoService() override;
  EchoService(const EchoService&) = delete;
  EchoService& operator=(const EchoService&) = delete;

  void on_open(const std::shared_ptr<Peer>& peer, const HttpRequest& upgrade) override;
  void on_message(const std::shared_ptr<Peer>& peer, const std::string& text) override;
  void on_close(const std::shared_ptr<Peer>& peer) override;

  std::size_t running() const { return tests_.size(); }
  // The daemon is stopping: every test ends now.
  void stop();

 private:
  struct EchoLimits {  // as the config said when the test opened
    std::int64_t max_tests = 0;
    std::int64_t max_kbps = 0;
    std::int64_t max_seconds = 0;
  };
  struct Test {
    unsigned id = 0;
    std::shared_ptr<Peer> peer;
    std::string address;
    EchoLimits limits;
    std::chrono::steady_clock::time_point started;
    std::unique_ptr<MediaRoom> room;
    bool offered = false;
    TokenBucket bucket{50, 200};
  };

  Test* find(unsigned id);
  void end(Peer* peer, const std::string& reason);
  void send_error(Test& test, const std::string& code, const std::string& message, bool final);

  MediaRooms& rooms_;
  ConfigSource config_;
  Scheduler after_;
  std::map<Peer*, std::unique_ptr<Test>> tests_;
  unsigned next_id_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the scheduled time limits
};

}  // namespace assist::signalling
