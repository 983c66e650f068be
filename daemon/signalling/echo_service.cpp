#include "signalling/echo_service.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "ice_servers.h"
#include "signalling/message.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

constexpr const char* participant = "echo";
// One page runs one test at a time; two allow for a reload. More from one address would only
// keep the others out.
constexpr std::ptrdiff_t max_tests_per_address = 2;

std::vector<std::string> sdp_lines(const std::string& sdp) {
  std::vector<std::string> lines;
  std::istringstream in(sdp);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace

std::string echo_answer(const std::string& sdp, std::int64_t max_kbps) {
  const std::string limit = "b=AS:" + std::to_string(max_kbps);
  const std::string start = "x-google-start-bitrate=" + std::to_string(std::min<std::int64_t>(1000, max_kbps));
  std::string out;
  std::string media;
  bool placed = false;  // the section's b= (video) or a=ptime (audio)
  const auto finish_section = [&] {
    if (media == "video" && !placed) out += limit + "\r\n";
    if (media == "audio" && !placed) out += "a=ptime:10\r\n";
  };
  for (const auto& line : sdp_lines(sdp)) {
    if (line.rfind("m=", 0) == 0) {
      finish_section();
      media = line.substr(2, line.find(' ') - 2);
      placed = false;
      out += line + "\r\n";
      continue;
    }
    if (media == "video" && line.rfind("b=", 0) == 0) continue;
    if (media == "audio" && line.rfind("a=ptime:", 0) == 0) continue;
    // RFC 8866's order within a media section: i=, c=, b=, k=, a=.
    if (media == "video" && !placed && line.rfind("i=", 0) != 0 && line.rfind("c=", 0) != 0) {
      out += limit + "\r\n";
      placed = true;
    }
    if (media == "audio" && !placed && line.rfind("a=", 0) == 0) {
      out += "a=ptime:10\r\n";
      placed = true;
    }
    if (media == "video" && line.rfind("a=fmtp:", 0) == 0 && line.find("apt=") == std::string::npos) {
      out += line + ";" + start + "\r\n";
      continue;
    }
    out += line + "\r\n";
    if (media == "video" && line.rfind("a=rtpmap:", 0) == 0 && line.find(" rtx/") == std::string::npos &&
        sdp.find("a=fmtp:" + line.substr(9, line.find(' ') - 9) + " ") == std::string::npos)
      out += "a=fmtp:" + line.substr(9, line.find(' ') - 9) + " " + start + "\r\n";
  }
  finish_section();
  return out;
}

EchoService::EchoService(MediaRooms& rooms, ConfigSource config, Scheduler after)
    : rooms_(rooms), config_(std::move(config)), after_(std::move(after)) {}

EchoService::~EchoService() {
  *alive_ = false;
  tests_.clear();
}

EchoService::Test* EchoService::find(unsigned id) {
  for (auto& [peer, test] : tests_)
    if (test->id == id) return test.get();
  return nullptr;
}

void EchoService::send_error(Test& test, const std::string& code, const std::string& message, bool final) {
  test.peer->send(error_message(code, message, final));
}

void EchoService::on_open(const std::shared_ptr<Peer>& peer, const HttpRequest& upgrade) {
  const auto config = config_();
  const EchoLimits limits{config->diagnostics_max_tests, config->diagnostics_max_kbps,
                          config->diagnostics_max_duration};
  if (limits.max_tests == 0) {
    spdlog::info("DIAG_ECHO_REFUSED peer={} running=0 max_tests=0", upgrade.peer);
    peer->send(error_message("echo_off", "this server runs no network tests (diagnostics.max_tests is 0)", true));
    peer->close("off");
    return;
  }
  const auto from_address = std::count_if(tests_.begin(), tests_.end(),
                                          [&](const auto& entry) { return entry.second->address == upgrade.peer; });
  if (from_address >= max_tests_per_address) {
    spdlog::warn("DIAG_ECHO_REFUSED peer={} running={} from_address={}", upgrade.peer, tests_.size(), from_address);
    peer->send(error_message("echo_busy", "this address is already running network tests; wait for them to end", false));
    peer->close("busy");
    return;
  }
  if (static_cast<std::int64_t>(tests_.size()) >= limits.max_tests) {
    spdlog::warn("DIAG_ECHO_REFUSED peer={} running={} max_tests={}", upgrade.peer, tests_.size(), limits.max_tests);
    peer->send(error_message("echo_busy",
                             "the server is running as many network tests as it allows (" +
                                 std::to_string(limits.max_tests) + "); try again in a minute",
                             false));
    peer->close("busy");
    return;
  }
  auto test = std::make_unique<Test>();
  test->id = ++next_id_;
  test->peer = peer;
  test->address = upgrade.peer;
  test->limits = limits;
  test->started = std::chrono::steady_clock::now();
  const unsigned id = test->id;
  std::weak_ptr<bool> alive = alive_;
  auto with_test = [this, alive, id](auto action) {
    return [this, alive, id, action](auto&&... args) {
      if (!alive.lock()) return;
      if (Test* t = find(id)) action(*t, args...);
    };
  };
  media::RoomEvents events;
  events.answer = with_test([](Test& t, const std::string&, const std::string& sdp) {
    t.peer->send(nlohmann::json{{"type", "answer"}, {"sdp", echo_answer(sdp, t.limits.max_kbps)}}.dump());
  });
  events.candidate = with_test([](Test& t, const std::string&, unsigned mline, const std::string& candidate) {
    t.peer->send(nlohmann::json{{"type", "ice"}, {"mline", mline}, {"candidate", candidate}}.dump());
  });
  events.connection_state = with_test([](Test& t, const std::string&, const std::string& state) {
    t.peer->send(nlohmann::json{{"type", "media"}, {"state", state}}.dump());
  });
  events.failure = with_test([this](Test& t, const std::string&, const std::string& code, const std::string& problem) {
    spdlog::info("DIAG_ECHO_FAILED test={} peer={} code={} problem=\"{}\"", t.id, t.address, code, problem);
    send_error(t, code, problem, false);
  });
  test->room = rooms_.open_echo(id, std::move(events));
  test->room->join(participant, "echo");
  peer->send(nlohmann::json{{"type", "echo"},
                            {"max_kbps", limits.max_kbps},
                            {"seconds", limits.max_seconds},
                            {"ice_servers", ice_servers_for(*config, "echo" + std::to_string(id), now_seconds())}}
                 .dump());
  spdlog::info("DIAG_ECHO_STARTED test={} peer={} running={}", id, upgrade.peer, tests_.size() + 1);
  tests_[peer.get()] = std::move(test);
  after_(std::chrono::seconds(limits.max_seconds), [this, alive, id] {
    if (!alive.lock()) return;
    Test* t = find(id);
    if (!t) return;
    send_error(*t, "echo_time_up", "the network test ran for as long as this server allows", true);
    auto peer = t->peer;
    end(peer.get(), "time_up");
    peer->close("time is up");
  });
}

void EchoService::on_message(const std::shared_ptr<Peer>& peer, const std::string& text) {
  auto it = tests_.find(peer.get());
  if (it == tests_.end()) return;
  Test& t = *it->second;
  if (!t.bucket.take()) {
    spdlog::warn("DIAG_ECHO_FLOOD test={} peer={}", t.id, t.address);
    send_error(t, "rate_limited", "too many messages", true);
    end(peer.get(), "flood");
    peer->close("rate limit exceeded");
    return;
  }
  try {
    const auto m = Message::parse(text);
    if (m.type() == "ping") return peer->send(R"({"type":"pong"})");
    if (m.type() == "offer") {
      const auto sdp = m.text("sdp");
      if (sdp.rfind("v=0", 0) != 0) throw ProtocolError("malformed", "'sdp' is not a session description");
      t.offered = true;
      return t.room->offer(participant, sdp);
    }
    if (m.type() == "ice") {
      if (!t.offered) throw ProtocolError("no_offer", "an ICE candidate came before the offer");
      const auto candidate = m.text("candidate");
      if (!candidate.empty() && candidate.rfind("candidate:", 0) != 0)
        throw ProtocolError("malformed", "'candidate' must be an ICE candidate line");
      return t.room->add_candidate(participant, static_cast<unsigned>(*m.integer("mline")), candidate);
    }
    throw ProtocolError("unexpected", "a network test takes offer, ice and ping only, not '" + m.type() + "'");
  } catch (const ProtocolError& e) {
    spdlog::info("DIAG_ECHO_REFUSED_MESSAGE test={} peer={} code={}", t.id, t.address, e.code());
    send_error(t, e.code(), e.what(), false);
  }
}

void EchoService::on_close(const std::shared_ptr<Peer>& peer) { end(peer.get(), "closed"); }

void EchoService::stop() {
  while (!tests_.empty()) {
    auto peer = tests_.begin()->second->peer;
    end(peer.get(), "stopping");
    peer->close("the server is stopping");
  }
}

void EchoService::end(Peer* peer, const std::string& reason) {
  auto it = tests_.find(peer);
  if (it == tests_.end()) return;
  const auto& t = *it->second;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t.started).count();
  spdlog::info("DIAG_ECHO_ENDED test={} peer={} reason={} duration_ms={}", t.id, t.address, reason, ms);
  tests_.erase(it);  // the room closes with it
}

}  // namespace assist::signalling
