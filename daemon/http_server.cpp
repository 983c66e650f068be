#include "http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <filesystem>
#include <vector>

#include "api/problem.h"
#include "config/schema.h"
#include "util/byte_size.h"
#include "signalling/endpoint.h"
#include "signalling/message.h"
#include "worker_pool.h"

namespace assist {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;
using tcp_stream = beast::tcp_stream;
using unix_stream = beast::basic_stream<unix_socket>;
using tls_stream = beast::ssl_stream<tcp_stream>;
namespace websocket = beast::websocket;
using http_request = http::request<http::string_body>;

constexpr std::size_t max_queued_messages = 512;  // a client this far behind is dropped
constexpr std::size_t file_chunk_bytes = 64 * 1024;

// A response body's file, open for reading; closed when the response is done.
class BodyFile {
 public:
  explicit BodyFile(const std::string& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), open_errno_(fd_ < 0 ? errno : 0) {}
  ~BodyFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;

  // Empty when the file is open and holds at least `end` bytes; else why not.
  std::string check(std::uint64_t end) const {
    if (fd_ < 0) return std::strerror(open_errno_);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    if (static_cast<std::uint64_t>(st.st_size) < end)
      return "it holds " + std::to_string(st.st_size) + " bytes, " + std::to_string(end) + " expected";
    return {};
  }

  // Up to `size` bytes at `offset`; 0 at the end of the file, -1 on an error (errno).
  ::ssize_t read(char* into, std::size_t size, std::uint64_t offset) const {
    for (;;) {
      const auto n = ::pread(fd_, into, size, static_cast<::off_t>(offset));
      if (n >= 0 || errno != EINTR) return n;
    }
  }

 private:
  int fd_;
  int open_errno_;
};

// A WebSocket connection as an endpoint sees it: sends are queued and written in order.
class WsPeer : public signalling::Peer, public std::enable_shared_from_this<WsPeer> {
 public:
  explicit WsPeer(websocket::stream<tls_stream> ws) : ws_(std::move(ws)) {}
  websocket::stream<tls_stream>& ws() { return ws_; }

  void send(std::string text) override {
    if (closing_) return;
    if (queue_.size() >= max_queued_messages) return close("too far behind");
    queue_.push_back(std::move(text));
    if (queue_.size() == 1) write_next();
  }

  void close(const std::string& reason) override {
    if (closing_) return;
    closing_ = true;
    close_reason_ = reason.substr(0, 100);
    if (queue_.empty()) do_close();
  }

 private:
  void write_next() {
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->queue_.clear();
        self->closing_ = true;
        return;
      }
      self->queue_.pop_front();
      if (!self->queue_.empty())
        self->write_next();
      else if (self->closing_)
        self->do_close();
    });
  }

  void do_close() {
    ws_.async_close(websocket::close_reason(websocket::close_code::normal, close_reason_),
                    [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<tls_stream> ws_;
  std::deque<std::string> queue_;
  bool closing_ = false;
  std::string close_reason_;
};

struct HttpServer::Impl {
  asio::io_context& io;
  WorkerPool& workers;
  Handler handler;
  std::chrono::seconds timeout;
  std::vector<std::unique_ptr<asio::ssl::context>> tls_contexts;
  std::vector<std::shared_ptr<tcp::acceptor>> tcp_acceptors;
  std::vector<std::shared_ptr<unix_socket::acceptor>> unix_acceptors;
  std::vector<std::string> socket_paths;
  std::map<std::string, signalling::Endpoint*, std::less<>> endpoints;
  HttpServer::BodyLimit body_limit = [](std::string_view, std::string_view) { return max_request_body; };

  HttpRequest to_request(http::request<http::string_body>& req, bool control, const std::string& peer) {
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.body = std::move(req.body());
    r.control_socket = control;
    r.peer = peer;
    return r;
  }

  template <class Body>
  static void set_header(http::response<Body>& res, const HttpResponse& in, bool keep_alive) {
    res.set(http::field::server, "assistd");
    if (!in.body.empty() || in.file || in.status != 204) res.set(http::field::content_type, in.content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : in.headers) res.insert(name, value);
    res.keep_alive(keep_alive);
  }

  static http::response<http::string_body> to_response(const HttpResponse& in, unsigned version,
                                                       bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(in.status), version};
    set_header(res, in, keep_alive);
    res.body() = in.body;
    res.prepare_payload();
    return res;
  }

  // Streams in.file: the header with the range's length, then chunks read as they are sent, each
  // under the write timeout. A file that cannot be read before the header is sent is answered
  // 500; once the header is out, the connection is closed. Returns whether it may go on.
  // The chunks are read here on the Asio thread: a 64 KiB pread of a file read in order is
  // served from the kernel's read-ahead, and the worker pool would queue it behind Argon2.
  template <class Stream>
  awaitable<bool> write_file(Stream& stream, const HttpResponse& in, unsigned version, bool keep_alive,
                             const std::string& peer) {
    const auto& file = *in.file;
    beast::error_code ec;
    const BodyFile body(file.path);
    if (const auto problem = body.check(file.offset + file.length); !problem.empty()) {
      spdlog::error("HTTP_FILE_UNREADABLE peer={} path={} error=\"{}\"", peer, file.path, problem);
      auto res = to_response(problem_response(500, "internal", "the server could not read the file"), version, keep_alive);
      beast::get_lowest_layer(stream).expires_after(timeout);
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      co_return !ec;
    }
    http::response<http::buffer_body> res{static_cast<http::status>(in.status), version};
    set_header(res, in, keep_alive);
    res.content_length(file.length);
    res.body().data = nullptr;
    res.body().more = file.length > 0;
    http::response_serializer<http::buffer_body> serializer{res};
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(file.length, file_chunk_bytes)));
    for (std::uint64_t sent = 0; !serializer.is_done();) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), file.length - sent));
      const auto got = want ? body.read(chunk.data(), want, file.offset + sent) : 0;
      if (want && got <= 0) {
        spdlog::error("HTTP_FILE_UNREADABLE peer={} path={} error=\"{}\"", peer, file.path,
                      got < 0 ? std::strerror(errno) : "it ended early");
        co_return false;
      }
      sent += static_cast<std::uint64_t>(got);
      res.body().data = got ? chunk.data() : nullptr;
      res.body().size = static_cast<std::size_t>(got);
      res.body().more = sent < file.length;
      beast::get_lowest_layer(stream).expires_after(timeout);
      co_await http::async_write(stream, serializer, asio::redirect_error(use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return false;
    }
    co_return true;
  }

  template <class Stream>
  awaitable<void> drain(Stream& stream, beast::flat_buffer& buffer) {
    constexpr std::size_t most = 64 << 20;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    beast::error_code ec;
    for (std::size_t dropped = 0; !ec && dropped < most;) {
      buffer.consume(buffer.size());
      dropped += co_await stream.async_read_some(buffer.prepare(64 * 1024), asio::redirect_error(use_awaitable, ec));
    }
  }

  // Serves requests until the connection ends; returns a WebSocket upgrade request for the
  // signalling path so the caller can hand the stream over.
  template <class Stream>
  awaitable<std::optional<http_request>> serve(Stream& stream, bool control, std::string peer) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      // The parser would judge Content-Length by its default limit (and an empty optional
      // compares below every length): no limit until the route's is known.
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      beast::get_lowest_layer(stream).expires_after(timeout);
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      std::size_t limit = max_request_body;
      if (!ec) {
        const auto method = parser.get().method_string();
        const auto target = parser.get().target();
        limit = body_limit({method.data(), method.size()}, {target.data(), target.size()});
        parser.body_limit(limit);
        const auto length = parser.content_length();
        if (length && *length > limit) ec = http::error::body_limit;
        // A large body (a file) gets time to arrive at 32 KiB/s at worst, on top of the timeout.
        beast::get_lowest_layer(stream).expires_after(timeout + std::chrono::seconds(length.value_or(0) / (32 * 1024)));
      }
      if (!ec) co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
          ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        if (ec == beast::error::timeout) spdlog::info("HTTP_READ_TIMEOUT peer={}", peer);
        co_return std::nullopt;
      }
      if (ec) {
        const bool too_large = ec == http::error::body_limit;
        const auto problem =
            too_large ? problem_response(413, "body_too_large", "the request body is over " + format_byte_size(static_cast<std::int64_t>(limit)))
                      : problem_response(400, "bad_request", "malformed HTTP request: " + ec.message());
        spdlog::info("HTTP_BAD_REQUEST peer={} target={} error=\"{}\"", peer, std::string(parser.get().target()), ec.message());
        auto res = to_response(problem, 11, false);
        beast::get_lowest_layer(stream).expires_after(timeout);
        co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
        // The client may still be sending the body: read and drop it for a moment, so that
        // closing with unread data (a TCP reset) does not destroy the answer before it is read.
        if (too_large && !ec) co_await drain(stream, buffer);
        co_return std::nullopt;
      }
      auto& req = parser.get();
      if (!control && websocket::is_upgrade(req) && endpoints.count(req.target())) co_return parser.release();
      const bool keep_alive = req.keep_alive();
      const unsigned version = req.version();
      const auto request = to_request(req, control, peer);
      const auto job = [this, &request](Db& db) { return handler(request, db); };
      HttpResponse response;
      try {
        response = co_await workers.run(job);
      } catch (const std::exception& e) {
        spdlog::error("HTTP_HANDLER_FAILED peer={} error=\"{}\"", peer, e.what());
        response = problem_response(500, "internal", "the server failed to handle the request");
      }
      if (response.file) {
        const bool written = co_await write_file(stream, response, version, keep_alive, peer);
        if (!written || !keep_alive) co_return std::nullopt;
        continue;
      }
      auto res = to_response(response, version, keep_alive);
      beast::get_lowest_layer(stream).expires_after(timeout);
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      if (ec || !keep_alive) co_return std::nullopt;
    }
  }

  awaitable<void> serve_websocket(tls_stream stream, http_request upgrade, std::string peer) {
    beast::get_lowest_layer(stream).expires_never();
    auto ws_peer = std::make_shared<WsPeer>(websocket::stream<tls_stream>(std::move(stream)));
    auto& ws = ws_peer->ws();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws.read_message_max(signalling::max_message_bytes);
    beast::error_code ec;
    co_await ws.async_accept(upgrade, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    auto request = to_request(upgrade, false, peer);
    auto& endpoint = *endpoints.find(upgrade.target())->second;
    endpoint.on_open(ws_peer, request);
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws.async_read(buffer, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == websocket::error::message_too_big)
          spdlog::info("SIGNAL_MESSAGE_TOO_BIG peer={}", peer);
        break;
      }
      endpoint.on_message(ws_peer, beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    }
    endpoint.on_close(ws_peer);
  }

  awaitable<void> serve_tls(tcp::socket socket, asio::ssl::context& tls) {
    beast::error_code ec;
    std::string peer = socket.remote_endpoint(ec).address().to_string();
    tls_stream stream(tcp_stream(std::move(socket)), tls);
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(use_awaitable, ec));
    if (ec) {
      spdlog::debug("HTTP_TLS_HANDSHAKE_FAILED peer={} error=\"{}\"", peer, ec.message());
      co_return;
    }
    auto upgrade = co_await serve(stream, false, peer);
    if (upgrade) {
      co_await serve_websocket(std::move(stream), std::move(*upgrade), peer);
      co_return;
    }
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
  }

  awaitable<void> serve_unix(unix_socket::socket socket) {
    unix_stream stream(std::move(socket));
    co_await serve(stream, true, "control-socket");
    beast::error_code ec;
    stream.socket().shutdown(unix_socket::socket::shutdown_send, ec);
  }

  awaitable<void> accept_tls(std::shared_ptr<tcp::acceptor> acceptor, asio::ssl::context& tls) {
    for (;;) {
      beast::error_code ec;
      auto socket = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) {
        spdlog::warn("HTTP_ACCEPT_FAILED error=\"{}\"", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(io, serve_tls(std::move(socket), tls), asio::detached);
    }
  }

  awaitable<void> accept_unix(std::shared_ptr<unix_socket::acceptor> acceptor) {
    for (;;) {
      beast::error_code ec;
      auto socket = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) {
        spdlog::warn("HTTP_ACCEPT_FAILED error=\"{}\"", ec.message());
        continue;
      }
      asio::co_spawn(io, serve_unix(std::move(socket)), asio::detached);
    }
  }
};

HttpServer::HttpServer(asio::io_context& io, WorkerPool& workers, Handler handler, std::int64_t read_timeout)
    : impl_(new Impl{io, workers, std::move(handler), std::chrono::seconds(read_timeout), {}, {}, {}, {}, {}}) {}

HttpServer::~HttpServer() { close(); }

void HttpServer::serve_websocket(std::string path, signalling::Endpoint& endpoint) {
  impl_->endpoints[std::move(path)] = &endpoint;
}

void HttpServer::set_body_limit(BodyLimit limit) { impl_->body_limit = std::move(limit); }

void HttpServer::listen_tls(const std::string& address, const std::string& cert_file,
                            const std::string& key_file) {
  if (auto problem = check_listen_address(address); !problem.empty())
    throw std::runtime_error("listen address " + address + " " + problem);
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  try {
    tls->use_certificate_chain_file(cert_file);
    tls->use_private_key_file(key_file, asio::ssl::context::pem);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS certificate " + cert_file + " / key " + key_file +
                             ": " + e.what());
  }
  const auto colon = address.rfind(':');
  auto host = address.substr(0, colon);
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  tcp::endpoint endpoint(asio::ip::make_address(host),
                         static_cast<unsigned short>(std::stoi(address.substr(colon + 1))));
  auto acceptor = std::make_shared<tcp::acceptor>(impl_->io);
  beast::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + address + ": " + ec.message());
  auto& context = *tls;
  impl_->tls_contexts.push_back(std::move(tls));
  impl_->tcp_acceptors.push_back(acceptor);
  asio::co_spawn(impl_->io, impl_->accept_tls(acceptor, context), asio::detached);
}

void HttpServer::listen_unix(const std::string& path) {
  std::error_code fs_ec;
  if (std::filesystem::is_socket(path, fs_ec)) std::filesystem::remove(path, fs_ec);
  auto acceptor = std::make_shared<unix_socket::acceptor>(impl_->io);
  beast::error_code ec;
  unix_socket::endpoint endpoint(path);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) {
    const auto old_mask = ::umask(0117);  // the socket is born 0660, with no window of 0777
    acceptor->bind(endpoint, ec);
    ::umask(old_mask);
  }
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot create control socket " + path + ": " + ec.message());
  impl_->unix_acceptors.push_back(acceptor);
  impl_->socket_paths.push_back(path);
  asio::co_spawn(impl_->io, impl_->accept_unix(acceptor), asio::detached);
}

void HttpServer::close() {
  beast::error_code ec;
  for (auto& a : impl_->tcp_acceptors) a->close(ec);
  for (auto& a : impl_->unix_acceptors) a->close(ec);
  impl_->tcp_acceptors.clear();
  impl_->unix_acceptors.clear();
  std::error_code fs_ec;
  for (const auto& path : impl_->socket_paths) std::filesystem::remove(path, fs_ec);
  impl_->socket_paths.clear();
}

}  // namespace assist
