// HTTP/1.1 over TLS (TCP listeners) and plain HTTP (the Unix control socket), Boost.Beast
// kept inside http_server.cpp. Sockets live on the io_context's thread; each request is
// handed to one synchronous handler on a worker thread (WorkerPool), with that thread's own
// database connection, so no request can stall the signalling on the io_context.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http.h"

namespace boost::asio {
class io_context;
}

namespace assist {

class WorkerPool;
class Db;
namespace signalling {
class Endpoint;
}

constexpr std::size_t max_request_body = 1 << 20;  // 1 MiB

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&, Db&)>;  // thread-safe
  // The largest body a request may carry, decided from its method and target once its header
  // has arrived; a larger one is answered 413 without being kept. Default: max_request_body.
  using BodyLimit = std::function<std::size_t(std::string_view method, std::string_view target)>;

  HttpServer(boost::asio::io_context& io, WorkerPool& workers, Handler handler,
             std::int64_t read_timeout_seconds);
  ~HttpServer();

  // Both throw std::runtime_error with a readable reason when the socket cannot be bound.
  void listen_tls(const std::string& address, const std::string& cert_file,
                  const std::string& key_file);
  void listen_unix(const std::string& path);  // mode 0660; replaces a stale socket file

  void set_body_limit(BodyLimit limit);

  // Serves WebSocket upgrades of `path` (TLS listeners only) through `endpoint`.
  void serve_websocket(std::string path, signalling::Endpoint& endpoint);

  // Closes the listeners; connections finish their current request.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace assist
