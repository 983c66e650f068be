// The process-wide media side: GStreamer initialised once, a GLib main loop thread that owns
// every pipeline change, and rooms (one per call) built on it. Knows nothing of HTTP or SQL.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace assist::media {

class Room;
struct RoomEvents;

struct IceSettings {
  std::vector<std::string> addresses;  // host addresses to announce; empty: all non-loopback
  unsigned min_port = 0, max_port = 0;  // UDP range; 0: any
  std::string stun_server;              // "stun://host:port" or ""
  std::vector<std::string> turn_servers;  // "turn://user:pass@host:port"
  std::string public_address;           // 1:1 NAT: host candidates announce this; "" = as they are
  bool tcp = false;                     // gather ICE-TCP candidates too
};

class Engine {
 public:
  // `post_to_owner` runs a task on the thread that owns call state (the daemon's Asio thread).
  using Post = std::function<void(std::function<void()>)>;

  Engine(Post post_to_owner, IceSettings ice);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads the plugins and makes the DTLS certificate now, so the first join is fast.
  // Returns the names of missing plugins (empty when all are present).
  std::vector<std::string> warm_up();

  std::shared_ptr<Room> create_room(const std::string& name, RoomEvents events);

  // Runs `task` on the media thread, later: never before returning, even when called there.
  void invoke(std::function<void()> task);
  // Runs `task` on the media thread in `ms` milliseconds.
  void after(unsigned ms, std::function<void()> task);
  // Runs `task` on the engine's one background thread, in order: slow work (reading a whole
  // file) that neither the media thread nor the owner's should wait for. Tasks queued when the
  // engine is destroyed still run, before the destructor returns.
  void background(std::function<void()> task);
  void post(std::function<void()> task) { post_(std::move(task)); }
  const IceSettings& ice() const { return ice_; }

 private:
  struct Loop;
  struct Background;
  Post post_;
  IceSettings ice_;
  std::unique_ptr<Loop> loop_;
  std::unique_ptr<Background> background_;
};

// Plugins a call needs; `missing_plugins` lists those not installed.
std::vector<std::string> missing_plugins();

}  // namespace assist::media
