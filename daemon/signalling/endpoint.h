// What the HTTP server (daemon/http_server) hands a WebSocket path: each connection's opening,
// messages and end, on the daemon's Asio thread. The call hub (/ws/v1) and the network test's
// echo (/ws/v1/echo) are the two.
#pragma once

#include <memory>
#include <string>

#include "api/http.h"

namespace assist::signalling {

// One WebSocket connection, as an endpoint sees it.
class Peer {
 public:
  virtual ~Peer() = default;
  virtual void send(std::string text) = 0;
  virtual void close(const std::string& reason) = 0;  // sends a close frame
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // `upgrade` is the HTTP request that opened the WebSocket (its cookies authenticate consoles).
  virtual void on_open(const std::shared_ptr<Peer>& peer, const HttpRequest& upgrade) = 0;
  virtual void on_message(const std::shared_ptr<Peer>& peer, const std::string& text) = 0;
  virtual void on_close(const std::shared_ptr<Peer>& peer) = 0;
};

}  // namespace assist::signalling
